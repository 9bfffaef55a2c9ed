import XCTest

@_spi(Stages) @testable import Tally

/// The checker's golden corpus, `Golden/checker`: a file whose first line is `# Formulas` holds
/// one formula per line, checked against `CheckerTests.session()`; any other file is a
/// definition file over `Fixtures/checker`, checked as `tally check` checks it (names against
/// the headers, then types against the data). The expected files hold the diagnostics.
final class CheckerGoldenTests: XCTestCase {
  func testGoldenCorpus() throws {
    try GoldenCorpus.check("checker", atLeast: 6) { name, url in
      let text = try String(contentsOf: url, encoding: .utf8)
      if text.hasPrefix("# Formulas") {
        let session = try CheckerTests.session()
        var out = ""
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
          out += "=== \(line)\n"
          do {
            out += "-- \(try session.typeCheck(String(line)).description)\n"
          } catch {
            out += renderedErrors(error)
          }
        }
        return out
      }
      do {
        try Session(zone: .utc).defineFiles([url.path])
        return "-- no diagnostics\n"
      } catch {
        return GoldenCorpus.rendered(error, in: url.deletingLastPathComponent())
      }
    }
  }
}
