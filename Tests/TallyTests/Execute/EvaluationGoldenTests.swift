import XCTest

@_spi(Stages) @testable import Tally

/// The evaluation golden corpus, `Golden/evaluation`: definition files over
/// `Fixtures/evaluation`, each metric's value counted by hand in a comment above it; the
/// expected files hold `tally check --format json`'s report. `# zone:` and `# as-of:` lines at
/// the top set the session.
final class EvaluationGoldenTests: XCTestCase {
  func testGoldenCorpus() throws {
    try GoldenCorpus.check("evaluation", atLeast: 5) { _, url in
      let text = try String(contentsOf: url, encoding: .utf8)
      func setting(_ key: String) -> String? {
        text.split(separator: "\n").first { $0.hasPrefix("# \(key): ") }.map { String($0.dropFirst(key.count + 4)) }
      }
      let zone = try XCTUnwrap(Zone(setting("zone") ?? "UTC"))
      let session = Session(zone: zone)
      session.asOf = setting("as-of").flatMap(Instant.init)
      do {
        try session.defineFiles([url.path])
        let report = try session.runChecks()
        return Report.json(report, zone: zone).replacingOccurrences(of: url.deletingLastPathComponent().path + "/", with: "")
      } catch {
        return GoldenCorpus.rendered(error, in: url.deletingLastPathComponent())
      }
    }
  }
}
