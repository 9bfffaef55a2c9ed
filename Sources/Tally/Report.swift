import Foundation

/// `tally check` and `tally test` reports: JSON, JUnit XML, Markdown and a terminal table.
public enum Report {
  /// The contract's JSON: `{"as_of", "metrics": [...], "asserts": [...]}`.
  public static func json(_ r: CheckReport, zone: Zone) -> String {
    func bound(_ b: BoundValue?) -> String {
      guard let b else { return "null" }
      return "{\"op\": \(Render.jsonString(b.op.rawValue)), \"value\": \(Render.jsonValue(b.value, zone: zone))}"
    }
    let metrics = r.metrics.map { m in
      "    {\"name\": \(Render.jsonString(m.name)), \"file\": \(Render.jsonString(m.file)), \"line\": \(m.line), "
        + "\"value\": \(Render.jsonValueOrTable(m.value, zone: zone)), \"status\": \(Render.jsonString(m.status.rawValue)), "
        + "\"target\": \(bound(m.target)), \"warn\": \(bound(m.warn))}"
    }
    let asserts = r.asserts.map { a in
      "    {\"file\": \(Render.jsonString(a.file)), \"line\": \(a.line), \"passed\": \(a.passed)}"
    }
    func list(_ items: [String]) -> String { items.isEmpty ? "[]" : "[\n" + items.joined(separator: ",\n") + "\n  ]" }
    return "{\n  \"as_of\": \(Render.jsonString(zone.iso(r.asOf))),\n  \"metrics\": \(list(metrics)),\n  \"asserts\": \(list(asserts))\n}\n"
  }

  /// A value as shown in reports, by the metric's format.
  public static func show(_ v: MetricValue, format: ValueFormat?, zone: Zone) -> String {
    switch v {
    case .scalar(let s): return Render.display(s, format: format, zone: zone)
    case .grouped(let g):
      let rows = g.sortedRows
      let shown = rows.prefix(6).map { r in
        r.key.map { Render.display($0, format: nil, zone: zone) }.joined(separator: "/") + ": "
          + Render.display(r.value, format: format, zone: zone)
      }
      return shown.joined(separator: ", ") + (rows.count > 6 ? ", … (\(rows.count) groups)" : "")
    }
  }

  static func showBound(_ b: BoundValue?, format: ValueFormat?, zone: Zone) -> String {
    guard let b else { return "" }
    return "\(b.op.rawValue) \(Render.display(b.value, format: format, zone: zone))"
  }

  /// The first line of a description, shortened for a table cell (`…` when there is more).
  static func summary(_ d: String?) -> String {
    let lines = d?.split(separator: "\n") ?? []
    guard let line = lines.first else { return "" }
    if line.count > 60 { return line.prefix(59) + "…" }
    return lines.count > 1 ? line + " …" : String(line)
  }

  /// Why an assert failed: its value, or the groups where it is not true.
  static func assertFailure(_ v: MetricValue, zone: Zone) -> String {
    switch v {
    case .scalar(let x): return "is " + Render.display(x, format: nil, zone: zone)
    case .grouped(let g):
      let bad = g.sortedRows.filter { $0.value != .bool(true) }
      let shown = bad.prefix(maxGroups).map { row in
        row.key.map { Render.display($0, format: nil, zone: zone) }.joined(separator: " / ")
          + (row.value == .bool(false) ? "" : " (\(Render.display(row.value, format: nil, zone: zone)))")
      }
      return "not true for \(g.keyNames.joined(separator: " / ")) = " + shown.joined(separator: ", ")
        + (bad.count > maxGroups ? ", … \(bad.count - maxGroups) more" : "")
    }
  }

  /// Groups listed under a grouped metric in the table.
  static let maxGroups = 12

  /// Aligned lines with status marks, a grouped metric's groups beneath it; colour only when asked (on a TTY).
  public static func table(_ r: CheckReport, zone: Zone, color: Bool) -> String {
    func paint(_ s: String, _ status: Status) -> String {
      guard color else { return s }
      let code: String
      switch status {
      case .pass: code = "32"
      case .warn: code = "33"
      case .fail: code = "31"
      case .none: code = "2"
      }
      return "\u{1B}[\(code)m\(s)\u{1B}[0m"
    }
    func mark(_ s: Status) -> String {
      switch s {
      case .pass: return "✓ pass"
      case .warn: return "! warn"
      case .fail: return "✗ fail"
      case .none: return "· none"
      }
    }
    var out = "as of \(zone.iso(r.asOf))\n\n"
    if !r.metrics.isEmpty {
      var rows: [[String]] = []
      var statuses: [Status] = []
      for m in r.metrics {
        let target = showBound(m.target, format: m.format, zone: zone)
        let warn = showBound(m.warn, format: m.format, zone: zone)
        switch m.value {
        case .scalar(let v):
          rows.append([mark(m.status), m.name, Render.display(v, format: m.format, zone: zone), target, warn, summary(m.description)])
          statuses.append(m.status)
        case .grouped(let g):
          rows.append([mark(m.status), m.name, "by \(g.keyNames.joined(separator: ", "))", target, warn, summary(m.description)])
          statuses.append(m.status)
          let groups = g.sortedRows
          for row in groups.prefix(maxGroups) {
            let st = Session.status(row.value, target: m.target, warn: m.warn)
            let key = row.key.map { Render.display($0, format: nil, zone: zone) }.joined(separator: " / ")
            rows.append([
              st == .none ? "" : "  " + mark(st).prefix(1), "  " + key, Render.display(row.value, format: m.format, zone: zone), "", "", "",
            ])
            statuses.append(st)
          }
          if groups.count > maxGroups {
            rows.append(["", "  … \(groups.count - maxGroups) more groups", "", "", "", ""])
            statuses.append(.none)
          }
        }
      }
      let text = Render.alignedTable(header: ["status", "metric", "value", "target", "warn", "description"], rows: rows, rightAlign: [2])
      let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
      for (i, line) in lines.enumerated() where !line.isEmpty {
        out += i >= 2 ? paint(String(line), statuses[i - 2]) + "\n" : String(line) + "\n"
      }
    }
    if !r.asserts.isEmpty {
      if !r.metrics.isEmpty { out += "\n" }
      for a in r.asserts {
        let line = "\(a.passed ? "✓" : "✗") assert \(a.formula)  (\(a.file):\(a.line))"
        out += paint(line, a.passed ? .pass : .fail) + "\n"
        if !a.passed { out += "    " + assertFailure(a.value, zone: zone) + "\n" }
      }
    }
    let counts = Dictionary(grouping: r.metrics, by: \.status).mapValues(\.count)
    let failedAsserts = r.asserts.filter { !$0.passed }.count
    out +=
      "\n\(counts[.pass] ?? 0) passed, \(counts[.warn] ?? 0) warned, \(counts[.fail] ?? 0) failed, \(counts[.none] ?? 0) without target"
    if !r.asserts.isEmpty { out += "; asserts: \(r.asserts.count - failedAsserts) passed, \(failedAsserts) failed" }
    return out + "\n"
  }

  /// A Markdown summary for a pull-request comment or a CI job summary.
  public static func markdown(_ r: CheckReport, zone: Zone) -> String {
    func cell(_ s: String) -> String { s.replacingOccurrences(of: "|", with: "\\|").replacingOccurrences(of: "\n", with: " ") }
    func icon(_ s: Status) -> String {
      switch s {
      case .pass: return "✅"
      case .warn: return "⚠️"
      case .fail: return "❌"
      case .none: return "➖"
      }
    }
    let failed = r.metrics.filter { $0.status == .fail }.count
    let warned = r.metrics.filter { $0.status == .warn }.count
    let falseAsserts = r.asserts.filter { !$0.passed }.count
    var out = "## Tally KPI check\n\n"
    out +=
      "As of `\(zone.iso(r.asOf))`: **\(r.metrics.count) \(r.metrics.count == 1 ? "metric" : "metrics"), \(failed) failing, \(warned) warning"
    if !r.asserts.isEmpty { out += "; \(r.asserts.count) \(r.asserts.count == 1 ? "assert" : "asserts"), \(falseAsserts) false" }
    out += ".**\n\n"
    if !r.metrics.isEmpty {
      out += "| | Metric | Value | Target | Warn | Description |\n|---|---|--:|---|---|---|\n"
      for m in r.metrics {
        out +=
          "| \(icon(m.status)) | `\(cell(m.name))` | \(cell(show(m.value, format: m.format, zone: zone))) | \(cell(showBound(m.target, format: m.format, zone: zone))) | \(cell(showBound(m.warn, format: m.format, zone: zone))) | \(cell(m.description ?? "")) |\n"
      }
    }
    if !r.asserts.isEmpty {
      out += "\n| | Assert | Where |\n|---|---|---|\n"
      for a in r.asserts {
        out += "| \(a.passed ? "✅" : "❌") | `\(cell(a.formula))` | \(cell(a.file)):\(a.line) |\n"
      }
    }
    return out
  }

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

  /// A Markdown summary for a run that stopped at errors: every diagnostic in a code block.
  public static func markdown(errors e: TallyError) -> String {
    let text = e.diagnostics.map { $0.rendered() }.joined()
    let count = e.diagnostics.filter { $0.severity == .error }.count
    return
      "## Tally KPI check\n\n**❌ \(count) \(count == 1 ? "error" : "errors"); nothing was evaluated.**\n\n```\n\(text.replacingOccurrences(of: "```", with: "` ` `"))```\n"
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
