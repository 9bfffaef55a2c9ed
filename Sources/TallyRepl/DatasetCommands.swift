import Foundation
import Tally

extension ReplSession {
  /// `:datasets`: one row per dataset and view.
  func datasetList() -> String {
    if session.names([.dataset, .view]).isEmpty {
      return "no datasets; load one with ':load PATH' or 'dataset NAME from \"PATH\"'"
    }
    var rows: [[String]] = []
    for name in session.names([.dataset]) {
      guard let ds = session.datasets[name] else { continue }
      rows.append([
        name, "dataset", rowCount(name, ds).map { Render.grouped(String($0)) } ?? "?", String(ds.columns.count),
        session.schema(of: name)?.timeColumn ?? "",
        displayPath(ds.path),
      ])
    }
    for name in session.names([.view]) {
      guard let schema = session.schema(of: name), let v = schema.viewOf else { continue }
      var what = v.base
      if let f = v.filter { what += " where " + f }
      rows.append([
        name, "view", viewRowCount(name).map { Render.grouped(String($0)) } ?? "", String(schema.columns.count), schema.timeColumn ?? "",
        what,
      ])
    }
    return Render.alignedTable(header: ["name", "kind", "rows", "columns", "time", "from"], rows: rows, rightAlign: [2, 3])
  }

  /// `:schema NAME`.
  func schema(_ name: String) -> ReplOutput {
    var out = ReplOutput()
    guard let schema = session.schema(of: name), let ds = session.datasets[schema.dataset] else {
      if let kind = session.kind(of: name) {
        out.error(ReplMessage.notADataset(name, kind: kind.rawValue).text)
      } else {
        out.error(unknown(name, kind: "dataset", in: session.names([.dataset, .view])))
      }
      return out
    }
    var head: String
    let time = schema.timeColumn
    if let v = schema.viewOf {
      head = "\(name): view of '\(v.base)'"
      if let f = v.filter { head += " where " + f }
      if let n = viewRowCount(name) { head += "; \(Render.grouped(String(n))) row\(n == 1 ? "" : "s")" }
    } else {
      let n = rowCount(name, ds)
      head = "\(name): \(n.map { Render.grouped(String($0)) } ?? "?") row\(n == 1 ? "" : "s"), from \(displayPath(ds.path))"
    }
    head += "\n"
    if let time {
      if let (lo, hi) = ds.server == nil ? timeRange(ds, time) : serverTimeRange(name, time) {
        head += "time column \(time): \(session.zone.iso(lo)) .. \(session.zone.iso(hi))\n"
      } else {
        head += "time column \(time): no values\n"
      }
    } else {
      head += "no time column; windows cannot apply to it\n"
    }
    let isView = schema.viewOf != nil || ds.server != nil  // a server's table is counted by the server
    let rows = ds.columns.map { c -> [String] in
      // A view's nulls are counted over its own rows.
      let nulls =
        isView ? viewNullCount(name, c.name).map { Render.grouped(String($0)) } ?? "?" : Render.grouped(String(c.vector.nullCount))
      // A column that reads as numbers or times until one value: say which made it text.
      let why = c.textOrigin.flatMap { $0.after > 0 ? "text from line \($0.line): '\($0.value)'" : nil }
      return [c.name, c.type.rawValue, nulls, c.name == time ? "time column" : why ?? ""]
    }
    var text = head + Render.alignedTable(header: ["column", "type", "nulls", "note"], rows: rows, rightAlign: [2])
    let links = session.links(from: name)
    let into = session.allLinks.filter { $0.to == schema.dataset }
    if !links.isEmpty {
      text += "links: " + links.map { "\($0.name) (\($0.written))" }.joined(separator: ", ") + "\n"
    }
    if !into.isEmpty {
      text += "linked from: " + into.map { "\($0.from) (\($0.written))" }.joined(separator: ", ") + "\n"
    }
    out.print(text)
    return out
  }

  /// The rows of a dataset: a file's as loaded, a server table's counted there (before the as-of).
  func rowCount(_ name: String, _ ds: Dataset) -> Int? {
    ds.server == nil ? ds.rowCount : viewRowCount(name)
  }

  /// The first and last time of a server table's time column, asked of the server.
  func serverTimeRange(_ name: String, _ column: String) -> (Int64, Int64)? {
    guard !column.contains("`"), !column.contains("\n") else { return nil }
    func ask(_ f: String) -> Int64? {
      guard let ev = try? session.evaluate("\(f)(`\(name)`.`\(column)`)", sourceName: "<schema>"), case .scalar(.time(let t)) = ev.value
      else {
        return nil
      }
      return t
    }
    guard let lo = ask("min"), let hi = ask("max") else { return nil }
    return (lo, hi)
  }

  /// `count(VIEW)`: the rows of a view (before the as-of), or nil when it cannot be counted.
  func viewRowCount(_ view: String) -> Int? {
    let count = Expr(.call("count", [Expr(.name(view), SourceRange(0, 0))], filter: nil), SourceRange(0, 0))
    guard let ev = try? session.evaluate(count, in: Source(name: "", text: "")), case .scalar(let n) = ev.value, let c = n.double else {
      return nil
    }
    return Int(c)
  }

  /// `count(VIEW where VIEW.COL is null)`, or nil when it cannot be counted.
  func viewNullCount(_ view: String, _ column: String) -> Int? {
    guard !column.contains("`"), !column.contains("\n") else { return nil }
    let formula = "count(`\(view)` where `\(view)`.`\(column)` is null)"
    guard let ev = try? session.evaluate(formula, sourceName: "<schema>"), case .scalar(let v) = ev.value, let n = v.double else {
      return nil
    }
    return Int(n)
  }

  func displayPath(_ path: String) -> String {
    let base = baseDirectory.hasSuffix("/") ? baseDirectory : baseDirectory + "/"
    return path.hasPrefix(base) ? String(path.dropFirst(base.count)) : path
  }

  func unknown(_ name: String, kind: String, in names: [String]) -> String {
    var s = "unknown \(kind) '\(name)'"
    if let near = nearest(name, in: names) { s += "\nnote: did you mean '\(near)'?" }
    return s
  }
}
