import Foundation
import Tally

extension ReplSession {
  /// `:datasets`: one row per dataset and view.
  func datasetList() -> String {
    let cat = session.catalog
    if cat.datasets.isEmpty && cat.views.isEmpty {
      return "no datasets; load one with ':load PATH' or 'dataset NAME from \"PATH\"'"
    }
    var rows: [[String]] = []
    for name in cat.datasets.keys.sorted() {
      guard let ds = session.datasets[name] else { continue }
      rows.append([
        name, "dataset", Render.grouped(String(ds.rowCount)), String(ds.columns.count), cat.datasets[name]?.timeColumn ?? "",
        displayPath(ds.path),
      ])
    }
    for name in cat.views.keys.sorted() {
      guard let v = cat.views[name] else { continue }
      let base = baseDataset(of: name)
      let cols = base.flatMap { cat.datasets[$0]?.columns.count }.map(String.init) ?? ""
      var what = v.base
      if let f = v.filter { what += " where " + v.source.slice(f.range.start..<f.range.end) }
      rows.append([name, "view", viewRowCount(name).map { Render.grouped(String($0)) } ?? "", cols, timeColumn(of: name) ?? "", what])
    }
    return Render.alignedTable(header: ["name", "kind", "rows", "columns", "time", "from"], rows: rows, rightAlign: [2, 3])
  }

  /// `:schema NAME`.
  func schema(_ name: String) -> ReplOutput {
    var out = ReplOutput()
    let cat = session.catalog
    guard cat.datasets[name] != nil || cat.views[name] != nil, let base = baseDataset(of: name), let ds = session.datasets[base] else {
      if let v = cat.values[name] {
        out.error(ReplMessage.notADataset(name, kind: v.metric == nil ? "value" : "metric").text)
      } else {
        out.error(unknown(name, kind: "dataset", in: Array(cat.datasets.keys) + Array(cat.views.keys)))
      }
      return out
    }
    var head: String
    let time = timeColumn(of: name)
    if let v = cat.views[name] {
      head = "\(name): view of '\(v.base)'"
      if let f = v.filter { head += " where " + v.source.slice(f.range.start..<f.range.end) }
      if let n = viewRowCount(name) { head += "; \(Render.grouped(String(n))) row\(n == 1 ? "" : "s")" }
    } else {
      head = "\(name): \(Render.grouped(String(ds.rowCount))) row\(ds.rowCount == 1 ? "" : "s"), from \(displayPath(ds.path))"
    }
    head += "\n"
    if let time {
      if let (lo, hi) = timeRange(ds, time) {
        head += "time column \(time): \(session.zone.iso(lo)) .. \(session.zone.iso(hi))\n"
      } else {
        head += "time column \(time): no values\n"
      }
    } else {
      head += "no time column; windows cannot apply to it\n"
    }
    let isView = cat.views[name] != nil
    let rows = ds.columns.map { c -> [String] in
      // A view's nulls are counted over its own rows.
      let nulls =
        isView ? viewNullCount(name, c.name).map { Render.grouped(String($0)) } ?? "?" : Render.grouped(String(c.vector.nullCount))
      return [c.name, c.type.rawValue, nulls, c.name == time ? "time column" : ""]
    }
    out.print(head + Render.alignedTable(header: ["column", "type", "nulls", "note"], rows: rows, rightAlign: [2]))
    return out
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

  /// The dataset a dataset or view name reads.
  func baseDataset(of name: String) -> String? {
    var n = name
    var seen = Set<String>()
    while let v = session.catalog.views[n], seen.insert(n).inserted { n = v.base }
    return session.catalog.datasets[n] != nil ? n : nil
  }

  /// The time column of a dataset or view.
  func timeColumn(of name: String) -> String? {
    var n = name
    var seen = Set<String>()
    while let v = session.catalog.views[n], seen.insert(n).inserted {
      if let t = v.time { return t }
      n = v.base
    }
    return session.catalog.datasets[n]?.timeColumn
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
