import Foundation
import Tally

extension ReplSession {
  /// A result in the chosen format; a table grouped by a time grain gets a chart below it
  /// (the grain of the formula, or of the result: one key named `day`, `week`, ...).
  /// A table shows its first and last `maxTableRows / 2` rows; csv and json show all.
  func render(_ ev: Evaluation, grain formulaGrain: Period?) -> String {
    switch format {
    case .json: return Render.json(ev, zone: session.zone) + "\n"
    case .csv: return Render.csv(ev, zone: session.zone)
    case .table:
      var out = Render.table(ev, zone: session.zone, maxRows: maxTableRows, maxCellWidth: terminalWidth?())
      var grain = formulaGrain
      if grain == nil, case .grouped(let g) = ev.value, g.keyNames.count == 1 { grain = Period(rawValue: g.keyNames[0]) }
      if let grain, case .grouped(let g) = ev.value,
        let chart = Chart.render(
          g, grain: grain, format: ev.format, zone: session.zone, width: chartWidth, columns: terminalWidth?())
      {
        out += "\n" + chart
      }
      return out
    }
  }

  /// The time grain of a formula grouped `by hour|day|week|month` alone, looking through
  /// clauses and named values.
  func timeGrain(of e: Expr, depth: Int = 0) -> Period? {
    guard depth < 16 else { return nil }
    switch e.kind {
    case .by(_, let keys):
      if keys.count == 1, case .grain(let p) = keys[0].key { return p }
      return nil
    // A series is charted by its points, unless a `by` inside adds keys.
    case .every(let inner, let g, _):
      if case .by = inner.kind { return nil }
      return timeGrain(of: inner, depth: depth + 1) == nil ? g : nil
    case .over(let inner, _), .offset(let inner, _), .at(let inner, _): return timeGrain(of: inner, depth: depth + 1)
    case .name(let n):
      guard let v = session.definition(of: n) else { return nil }
      return timeGrain(of: v.expr, depth: depth + 1)
    default: return nil
    }
  }

  /// Diagnostics for what was just typed. At a prompt, a caret under the typed line
  /// (it is right above); in a script, `<stdin>:LINE:COL: error: ...` with the line and a caret.
  func render(_ diagnostics: [Diagnostic], _ buffer: InputBuffer) -> String {
    let lines = buffer.lines
    let formatter = DiagnosticFormatter(color: color) { _, l in
      lines.indices.contains(l - 1)
        ? DiagnosticFormatter.TypedLine(number: lines[l - 1].number, text: lines[l - 1].text, shift: lines[l - 1].shift) : nil
    }
    var out = ""
    for d in diagnostics {
      guard case .source(let src, let range) = d.location, src.name == sourceName, src.text == buffer.text else {
        out += rendered(d)
        continue
      }
      let line = src.location(of: range.start).line
      if interactive {
        // The line just typed is right above: a caret under it, after the prompt's width.
        let placement: DiagnosticFormatter.Placement =
          line == lines.count ? .underPrompt(promptWidth: Self.primaryPrompt.count) : .withoutPosition
        out += formatter.format(d, placement: placement)
      } else {
        out += formatter.format(d)
      }
    }
    return out
  }

  /// A diagnostic that may point into an earlier statement: with the line that statement
  /// started on in the input (`<stdin>:9:25`, not `<stdin>:1:25`).
  func rendered(_ d: Diagnostic) -> String {
    guard case .source(let src, _) = d.location, src.name == sourceName, let first = statementLines[src.text], first > 1
    else { return d.rendered(color: color) }
    let formatter = DiagnosticFormatter(color: color) { source, l in
      DiagnosticFormatter.TypedLine(number: first + l - 1, text: source.lineText(l))
    }
    return formatter.format(d)
  }

  /// `orders: 2,965 rows, 12 columns, time paid_at 2024-04-01 .. 2024-06-30 (14 ms)`.
  func datasetSummary(_ name: String, elapsed started: DispatchTime? = nil, own: Bool = false) -> String {
    guard let ds = session.datasets[name] else { return "'\(name)'" }
    let columns = "\(ds.columns.count) column\(ds.columns.count == 1 ? "" : "s")"
    if let server = ds.server {  // its rows stay there: ':schema' counts them
      let tc = session.schema(of: name)?.timeColumn.map { ", time \($0)" } ?? ", no time column"
      return "'\(name)': table \(server.table) on \(server.serverName), \(columns)\(tc)"
    }
    var s = "'\(name)': \(Render.grouped(String(ds.rowCount))) row\(ds.rowCount == 1 ? "" : "s"), \(columns)"
    if let tc = session.schema(of: name)?.timeColumn {
      if let (lo, hi) = timeRange(ds, tc) {
        s += ", time \(tc) \(session.zone.label(.day, lo)) .. \(session.zone.label(.day, hi))"
      } else {
        s += ", time \(tc) (no values)"
      }
    } else {
      s += ", no time column"
    }
    if own, let t = session.loadTime(of: name) {
      s += " (\(milliseconds(t * 1000)))"
    } else if let started {
      s += " (\(milliseconds(since: started)))"
    }
    return s
  }

  /// The earliest and latest value of a time column.
  func timeRange(_ ds: Dataset, _ column: String) -> (Int64, Int64)? {
    guard let col = ds.column(column), case .time(let ts) = col.vector.data else { return nil }
    var lo: Int64?
    var hi: Int64?
    for i in 0..<ts.count where col.vector.isValid(i) {
      if lo == nil || ts[i] < lo! { lo = ts[i] }
      if hi == nil || ts[i] > hi! { hi = ts[i] }
    }
    guard let lo, let hi else { return nil }
    return (lo, hi)
  }
}
