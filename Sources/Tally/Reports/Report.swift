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
      if rows.isEmpty { return "no groups" }
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

}
