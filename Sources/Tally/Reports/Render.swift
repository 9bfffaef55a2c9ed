import Foundation

/// Turns results into text: JSON, CSV and human tables.
public enum Render {
  /// `{"as_of": ..., "value": V}` or `{"as_of": ..., "columns": [...], "rows": [...]}`.
  public static func json(_ e: Evaluation, zone: Zone) -> String {
    "{\"as_of\": \(jsonString(zone.iso(e.asOf))), \(jsonBody(e.value, zone: zone))}"
  }

  /// The `"value": V` or `"columns": ..., "rows": ...` members.
  public static func jsonBody(_ v: MetricValue, zone: Zone) -> String {
    switch v {
    case .scalar(let s): return "\"value\": \(jsonValue(s, zone: zone))"
    case .grouped(let g):
      return "\"columns\": \(jsonColumns(g)), \"rows\": \(jsonRows(g, zone: zone))"
    }
  }

  /// `{"columns": [...], "rows": [...]}` for a grouped value, or the scalar JSON value.
  public static func jsonValueOrTable(_ v: MetricValue, zone: Zone) -> String {
    switch v {
    case .scalar(let s): return jsonValue(s, zone: zone)
    case .grouped(let g): return "{\"columns\": \(jsonColumns(g)), \"rows\": \(jsonRows(g, zone: zone))}"
    }
  }

  static func jsonColumns(_ g: GroupedValue) -> String {
    "[" + (g.keyNames + ["value"]).map(jsonString).joined(separator: ", ") + "]"
  }

  static func jsonRows(_ g: GroupedValue, zone: Zone) -> String {
    "["
      + g.sortedRows.map { row in "[" + (row.key + [row.value]).map { jsonValue($0, zone: zone) }.joined(separator: ", ") + "]" }.joined(
        separator: ", ") + "]"
  }

  /// A JSON value: numbers as numbers, durations as seconds, times as ISO 8601 in the zone.
  public static func jsonValue(_ v: Value, zone: Zone) -> String {
    switch v {
    case .null: return "null"
    case .int(let i): return String(i)
    case .number(let d): return jsonNumber(d)
    case .bool(let b): return b ? "true" : "false"
    case .string(let s): return jsonString(s)
    case .time(let t): return jsonString(zone.iso(t))
    case .duration(let d): return d % 1_000_000 == 0 ? String(d / 1_000_000) : jsonNumber(Double(d) / 1e6)
    }
  }

  static func jsonNumber(_ d: Double) -> String {
    guard d.isFinite else { return "null" }
    if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return "\(d)"
  }

  /// A JSON string literal.
  public static func jsonString(_ s: String) -> String {
    var out = "\""
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 {
          out += String(format: "\\u%04x", u.value)
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  /// CSV with a header: `value`, or the key columns and `value`.
  public static func csv(_ e: Evaluation, zone: Zone) -> String {
    func field(_ v: Value) -> String {
      let s: String
      switch v {
      case .null: return ""
      case .time(let t): s = zone.iso(t)
      case .duration(let d): s = formatNumber(Double(d) / 1e6)
      case .number(let d): s = "\(d)".hasSuffix(".0") ? formatNumber(d) : "\(d)"
      default: s = v.description
      }
      if s.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
        return "\"" + s.replacingOccurrences(of: "\"", with: "\"\"") + "\""
      }
      return s
    }
    switch e.value {
    case .scalar(let v): return "value\n\(field(v))\n"
    case .grouped(let g):
      var out = (g.keyNames + ["value"]).map { field(.string($0)) }.joined(separator: ",") + "\n"
      for row in g.sortedRows { out += (row.key + [row.value]).map(field).joined(separator: ",") + "\n" }
      return out
    }
  }

  /// A human table: a scalar alone, a grouped value as aligned columns.
  /// With `maxRows`, a longer table shows its first and last rows around a line that says
  /// how many are left out.
  /// Values are shown safely (`visible(_:)`); with `maxCellWidth`, a longer one is cut with an ellipsis.
  public static func table(_ e: Evaluation, zone: Zone, maxRows: Int? = nil, maxCellWidth: Int? = nil) -> String {
    switch e.value {
    case .scalar(let v):
      let text = visible(display(v, format: e.format, zone: zone))
      return (maxCellWidth.map { truncated(text, toWidth: max(2, $0)) } ?? text) + "\n"
    case .grouped(let g):
      let header = g.keyNames + ["value"]
      var sorted = g.sortedRows
      let head = (maxRows ?? sorted.count) / 2
      let omitted = maxRows.map { max(0, sorted.count - $0) } ?? 0
      if omitted > 0 { sorted = Array(sorted.prefix(head) + sorted.suffix(maxRows! - head)) }
      let rows = sorted.map { r in
        r.key.map { display($0, format: nil, zone: zone) } + [display(r.value, format: e.format, zone: zone)]
      }
      var lines = alignedLines(header: header, rows: rows, rightAlign: [header.count - 1], maxCellWidth: maxCellWidth)
      if omitted > 0 {
        // The header, its rule and the first rows; a line for the rows left out; the last rows.
        lines.insert(
          "… \(grouped(String(omitted))) more row\(omitted == 1 ? "" : "s") (\(grouped(String(g.values.count))) in all) …", at: 2 + head)
      }
      return lines.map { $0 + "\n" }.joined()
    }
  }

}
