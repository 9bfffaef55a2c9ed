import Foundation

extension Report {
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

  /// A Markdown summary for a run that stopped at errors: every diagnostic in a code block.
  public static func markdown(errors e: TallyError) -> String {
    let text = e.diagnostics.map { $0.rendered() }.joined()
    let count = e.diagnostics.filter { $0.severity == .error }.count
    return
      "## Tally KPI check\n\n**❌ \(count) \(count == 1 ? "error" : "errors"); nothing was evaluated.**\n\n```\n\(text.replacingOccurrences(of: "```", with: "` ` `"))```\n"
  }

}
