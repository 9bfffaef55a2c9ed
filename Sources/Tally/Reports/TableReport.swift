import Foundation

extension Report {
  /// Aligned lines with status marks, a grouped metric's groups beneath it; colour only when asked (on a TTY).
  /// With `maxCellWidth` (the terminal's width), a longer cell or line is cut with an ellipsis.
  public static func table(_ r: CheckReport, zone: Zone, color: Bool, maxCellWidth: Int? = nil) -> String {
    func fitted(_ s: String) -> String {
      let v = Render.visible(s)
      return maxCellWidth.map { truncated(v, toWidth: max(2, $0)) } ?? v
    }
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
          if groups.isEmpty {
            rows.append(["", "  no groups", "", "", "", ""])
            statuses.append(m.status)
          }
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
      let lines = Render.alignedLines(
        header: ["status", "metric", "value", "target", "warn", "description"], rows: rows, rightAlign: [2], maxCellWidth: maxCellWidth)
      for (i, line) in lines.enumerated() {
        out += i >= 2 ? paint(line, statuses[i - 2]) + "\n" : line + "\n"
      }
    }
    if !r.asserts.isEmpty {
      if !r.metrics.isEmpty { out += "\n" }
      for a in r.asserts {
        let line = "\(a.passed ? "✓" : "✗") assert \(fitted(a.formula))  (\(Render.visible(a.file)):\(a.line))"
        out += paint(line, a.passed ? .pass : .fail) + "\n"
        if !a.passed { out += "    " + fitted(assertFailure(a.value, zone: zone)) + "\n" }
      }
    }
    let counts = Dictionary(grouping: r.metrics, by: \.status).mapValues(\.count)
    let failedAsserts = r.asserts.filter { !$0.passed }.count
    out +=
      "\n\(counts[.pass] ?? 0) passed, \(counts[.warn] ?? 0) warned, \(counts[.fail] ?? 0) failed, \(counts[.none] ?? 0) without target"
    if !r.asserts.isEmpty { out += "; asserts: \(r.asserts.count - failedAsserts) passed, \(failedAsserts) failed" }
    return out + "\n"
  }

}
