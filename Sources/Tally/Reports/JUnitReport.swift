import Foundation

extension Report {
  /// JUnit XML: one testcase per metric and assert; failures carry the formula and the value.
  public static func junit(_ r: CheckReport, zone: Zone, strict: Bool) -> String {
    // Suites by file, in the order files first appear (metrics and asserts alike).
    var byFile: [(file: String, cases: [(line: Int, xml: String)], failed: Int, seconds: Double)] = []
    func add(_ file: String, _ line: Int, _ xml: String, failed: Bool, seconds: Double) {
      if let i = byFile.firstIndex(where: { $0.file == file }) {
        byFile[i].cases.append((line, xml))
        byFile[i].failed += failed ? 1 : 0
        byFile[i].seconds += seconds
      } else {
        byFile.append((file, [(line, xml)], failed ? 1 : 0, seconds))
      }
    }
    func bound(_ b: BoundValue?, _ format: ValueFormat?) -> String { b == nil ? "none" : showBound(b, format: format, zone: zone) }
    for m in r.metrics {
      let value = show(m.value, format: m.format, zone: zone)
      let failed = m.status == .fail || (strict && m.status == .warn)
      var body = ""
      let detail =
        (m.description.map { "\($0)\n" } ?? "")
        + "formula: \(m.formula)\nvalue: \(value)\ntarget: \(bound(m.target, m.format))\nwarn: \(bound(m.warn, m.format))\nstatus: \(m.status.rawValue)"
      if failed {
        body =
          "<failure message=\"\(xml("\(m.name) = \(value), \(m.status.rawValue) (target \(showBound(m.target, format: m.format, zone: zone)))"))\" type=\"\(m.status.rawValue)\">\(xml(detail))</failure>"
      } else {
        body = "<system-out>\(xml(detail))</system-out>"
      }
      add(
        m.file, m.line,
        "    <testcase classname=\"\(xml(m.file))\" name=\"\(xml(m.name))\" file=\"\(xml(m.file))\" line=\"\(m.line)\" time=\"\(seconds(m.seconds))\">\(body)</testcase>",
        failed: failed, seconds: m.seconds)
    }
    for a in r.asserts {
      let value = show(a.value, format: nil, zone: zone)
      let body =
        a.passed
        ? ""
        : "<failure message=\"\(xml("assert failed: \(a.formula)"))\" type=\"assert\">\(xml("formula: \(a.formula)\nvalue: \(value)"))</failure>"
      add(
        a.file, a.line,
        "    <testcase classname=\"\(xml(a.file))\" name=\"\(xml("assert \(a.formula)"))\" file=\"\(xml(a.file))\" line=\"\(a.line)\" time=\"\(seconds(a.seconds))\">\(body)</testcase>",
        failed: !a.passed, seconds: a.seconds)
    }
    // Files in the order they were read.
    byFile.sort { (r.files.firstIndex(of: $0.file) ?? .max) < (r.files.firstIndex(of: $1.file) ?? .max) }
    let total = r.metrics.count + r.asserts.count
    let failures = byFile.reduce(0) { $0 + $1.failed }
    let time = byFile.reduce(0) { $0 + $1.seconds }
    var out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tally check\" tests=\"\(total)\" failures=\"\(failures)\" time=\"\(seconds(time))\">\n"
    // `timestamp` is when the run happened (UTC, without a zone, as the JUnit schema has
    // it); the as-of it evaluated is a property.
    let stamp = ISO8601DateFormatter()
    stamp.formatOptions = [.withFullDate, .withTime, .withDashSeparatorInDate, .withColonSeparatorInTime]
    let now = stamp.string(from: Date())
    for suite in byFile {
      out +=
        "  <testsuite name=\"\(xml(suite.file))\" tests=\"\(suite.cases.count)\" failures=\"\(suite.failed)\" errors=\"0\" time=\"\(seconds(suite.seconds))\" timestamp=\"\(now)\">\n"
      out += "    <properties><property name=\"as_of\" value=\"\(xml(zone.iso(r.asOf)))\"/></properties>\n"
      out += suite.cases.sorted { $0.line < $1.line }.map(\.xml).joined(separator: "\n") + "\n  </testsuite>\n"
    }
    return out + "</testsuites>\n"
  }

  /// `tally test` results as JUnit XML.
  public static func junit(_ tests: [TestResult]) -> String {
    let failures = tests.filter { !$0.passed }.count
    var out =
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"tally test\" tests=\"\(tests.count)\" failures=\"\(failures)\">\n"
    out += "  <testsuite name=\"tally test\" tests=\"\(tests.count)\" failures=\"\(failures)\" errors=\"0\">\n"
    for t in tests {
      var body = ""
      if let e = t.error {
        body = "<failure message=\"\(xml("error"))\" type=\"error\">\(xml(e.description))</failure>"
      } else if !t.failures.isEmpty {
        body = "<failure message=\"\(xml(t.failures[0]))\" type=\"expect\">\(xml(t.failures.joined(separator: "\n")))</failure>"
      }
      out +=
        "    <testcase classname=\"\(xml(t.file))\" name=\"\(xml(t.name))\" file=\"\(xml(t.file))\" line=\"\(t.line)\">\(body)</testcase>\n"
    }
    return out + "  </testsuite>\n</testsuites>\n"
  }

  /// JUnit XML for a run that stopped at errors (in the definitions, arguments or data):
  /// one test case in error carrying every diagnostic, so that CI shows why.
  public static func junit(errors e: TallyError, command: String) -> String {
    let text = e.diagnostics.map { $0.rendered() }.joined()
    let count = e.diagnostics.filter { $0.severity == .error }.count
    let message = "\(count) \(count == 1 ? "error" : "errors"); nothing was evaluated"
    return """
      <?xml version="1.0" encoding="UTF-8"?>
      <testsuites name="tally \(command)" tests="1" failures="0" errors="1" time="0.000">
        <testsuite name="definitions" tests="1" failures="0" errors="1" time="0.000">
          <testcase classname="definitions" name="definitions load and check" time="0.000"><error message="\(xml(message))" type="error">\(xml(text))</error></testcase>
        </testsuite>
      </testsuites>

      """
  }

  /// Seconds as JUnit writes them: `0.012`.
  static func seconds(_ s: Double) -> String { String(format: "%.3f", max(0, s)) }

  /// Escapes text for XML.
  static func xml(_ s: String) -> String {
    var out = ""
    for u in s.unicodeScalars {
      switch u {
      case "&": out += "&amp;"
      case "<": out += "&lt;"
      case ">": out += "&gt;"
      case "\"": out += "&quot;"
      case "'": out += "&apos;"
      default:
        if u.value < 0x20 && u != "\n" && u != "\t" && u != "\r" { continue }
        out.unicodeScalars.append(u)
      }
    }
    return out
  }
}
