import Foundation

extension Expr {
  /// A tree dump with positions, for tests and `--dump`.
  public func dump() -> String {
    let r = "@\(range.start)-\(range.end)"
    switch kind {
    case .literal(let l):
      switch l {
      case .integer(let v): return "\(v)\(r)"
      case .number(let v): return "\(formatNumber(v))\(r)"
      case .bool(let b): return "\(b)\(r)"
      case .string(let s): return "\"\(s)\"\(r)"
      case .time(let t): return "@\(t)\(r)"
      case .duration(let d): return "\(d)\(r)"
      case .null: return "null\(r)"
      }
    case .name(let n): return "\(n)\(r)"
    case .member(let names, _): return "\(names.joined(separator: "."))\(r)"
    case .negate(let e): return "(- \(e.dump()))\(r)"
    case .not(let e): return "(not \(e.dump()))\(r)"
    case .binary(let op, let a, let b): return "(\(op.rawValue) \(a.dump()) \(b.dump()))\(r)"
    case .isNull(let e, let n): return "(is \(n ? "not " : "")null \(e.dump()))\(r)"
    case .inList(let e, let l, let n): return "(\(n ? "not " : "")in \(e.dump()) [\(l.map { $0.dump() }.joined(separator: " "))])\(r)"
    case .call(let f, let args, let w):
      let a = args.map { $0.dump() }.joined(separator: " ")
      return "(\(f) \(a)\(w.map { " where \($0.dump())" } ?? ""))\(r)"
    case .over(let e, let w):
      switch w {
      case .trailing(let d): return "(over \(d) \(e.dump()))\(r)"
      case .period(let p): return "(over \(p.rawValue) \(e.dump()))\(r)"
      }
    case .offset(let e, let d): return "(offset \(d) \(e.dump()))\(r)"
    case .at(let e, let t): return "(at @\(t) \(e.dump()))\(r)"
    case .by(let e, let keys): return "(by [\(keys.map(\.written).joined(separator: " "))] \(e.dump()))\(r)"
    case .every(let e, let g, let d): return "(every \(g.rawValue) for \(d) \(e.dump()))\(r)"
    }
  }
}
