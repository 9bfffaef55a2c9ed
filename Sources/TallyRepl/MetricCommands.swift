import Foundation
import Tally

extension ReplSession {
  /// `:metrics`: every metric with its value, target, warn bound and status.
  func metricList() -> ReplOutput {
    var out = ReplOutput()
    guard !session.metrics.isEmpty else {
      out.print("no metrics; define one with 'metric NAME = FORMULA' or load a .kpi file")
      return out
    }
    var rows: [[String]] = []
    for st in session.metrics {
      guard case .metric(let m) = st.kind else { continue }
      let value: String
      var status = ""
      do {
        let ev = try session.evaluate(Expr(.name(m.name), st.nameRange), in: st.source)
        switch ev.value {
        case .scalar(let v): value = Render.display(v, format: ev.format, zone: session.zone)
        case .grouped(let g): value = "\(g.values.count) groups by \(g.keyNames.joined(separator: ", "))"
        }
        status = metricStatus(ev.value, m, st.source).rawValue
      } catch let e as TallyError {
        value = "error: " + (e.diagnostics.first?.message ?? "")
        status = "error"
      } catch {
        value = "error"
        status = "error"
      }
      rows.append([m.name, value, boundText(m.target, st.source), boundText(m.warn, st.source), status])
    }
    out.print(Render.alignedTable(header: ["metric", "value", "target", "warn", "status"], rows: rows, rightAlign: [1]))
    return out
  }

  /// `:describe NAME`: what a name is and what it is worth now.
  func describe(_ name: String) -> ReplOutput {
    if session.schema(of: name) != nil { return schema(name) }
    var out = ReplOutput()
    guard let v = session.definition(of: name) else {
      out.error(unknown(name, kind: "name", in: session.names([.value, .metric, .dataset, .view])))
      return out
    }
    var fields: [(String, String)] = []
    var head = "\(v.metric == nil ? "value" : "metric") \(name)"
    if v.source.name != sourceName, let st = session.metrics.first(where: { $0.definedName == name }) {
      head += " (\(v.source.name):\(st.line))"
    } else if v.source.name != sourceName {
      head += " (\(v.source.name):\(v.source.location(of: v.expr.range.start).line))"
    }
    var lines = [head]
    if let d = v.metric?.description { lines += d.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 } }
    fields.append(("formula", v.source.slice(v.expr.range.start..<v.expr.range.end)))
    let reads = session.reads(v.expr, in: v.source)
    if !reads.datasets.isEmpty { fields.append(("reads", reads.datasets.joined(separator: ", "))) }
    if !reads.links.isEmpty { fields.append(("links", reads.links.joined(separator: ", "))) }
    if let m = v.metric {
      if let f = m.format { fields.append(("format", f.rawValue)) }
      if m.target != nil { fields.append(("target", boundText(m.target, v.source))) }
      if m.warn != nil { fields.append(("warn", boundText(m.warn, v.source))) }
    }
    var table = ""
    do {
      let ev = try session.evaluate(Expr(.name(name), v.expr.range), in: v.source)
      switch ev.value {
      case .scalar(let x): fields.append(("value", Render.display(x, format: ev.format, zone: session.zone)))
      case .grouped(let g):
        fields.append(("value", "\(g.values.count) groups by \(g.keyNames.joined(separator: ", ")), below"))
        table = render(ev, grain: nil)
      }
      if let m = v.metric { fields.append(("status", metricStatus(ev.value, m, v.source).rawValue)) }
      fields.append(("as of", session.zone.iso(ev.asOf)))
    } catch let e as TallyError {
      fields.append(("value", "error: " + (e.diagnostics.first?.message ?? "")))
    } catch {
      fields.append(("value", "error"))
    }
    let width = fields.map(\.0.count).max() ?? 0
    lines += fields.map { "  " + $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
    out.print(lines.joined(separator: "\n") + "\n" + table)
    return out
  }
}
