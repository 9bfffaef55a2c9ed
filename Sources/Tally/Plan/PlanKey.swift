import Foundation

extension Node {
  /// A canonical text of the node (cache key and test dump).
  public var key: String {
    switch kind {
    case .literal(let v):
      // Code points spelled out: as cache keys, Swift's String equality would merge `é` and `e\u{301}`.
      if case .string(let s) = v {
        return "\""
          + s.unicodeScalars.map { $0.isASCII && $0 != "\\" && $0 != "\"" ? String($0) : "\\u{\(String($0.value, radix: 16))}" }.joined()
          + "\""
      }
      if case .time(let t) = v { return "@\(t)" }
      if case .duration(let d) = v { return "\(d)us" }
      return v.description
    case .interval(let d): return d.description
    case .column(let c): return "`\(c)`"
    case .aggregate(let a):
      let rel =
        a.relation.name + (a.relation.filter.map { "[\($0.key)]" } ?? "") + (a.relation.timeColumn.map { "@\($0)" } ?? "")
      let arg = a.argument.map { $0.key } ?? "*"
      let keys = a.keys.map { " by " + $0.map(\.key).joined(separator: ", ") } ?? ""
      return
        "\(a.function.rawValue)(\(rel): \(arg)\(a.filter.map { " where \($0.key)" } ?? "")\(a.parameter.map { ", \($0)" } ?? "")\(keys))"
    case .lookup(let steps, let c): return steps.map { "\($0.name)>" }.joined() + "`\(c)`"
    case .perRow(let p):
      let clauses = p.clauses.map { " \($0)" }.joined()
      return "per-row \(p.link.name)(\(Node(.aggregate(p.aggregate), p.type, range).key)\(clauses))"
    case .series(let n, let g, let d): return "(\(n.key) every \(g.rawValue) for \(d))"
    case .overGroups(let g):
      return
        "\(g.function.rawValue)(groups \(g.grouped.key) /\(g.outerKeys)\(g.filter.map { " where \($0.key)" } ?? "")\(g.parameter.map { ", \($0)" } ?? ""))"
    case .negate(let n): return "(-\(n.key))"
    case .not(let n): return "(not \(n.key))"
    case .binary(let op, let a, let b): return "(\(a.key) \(op.rawValue) \(b.key))"
    case .isNull(let n, let neg): return "(\(n.key) is \(neg ? "not " : "")null)"
    case .inList(let n, let l, let neg): return "(\(n.key) \(neg ? "not " : "")in (\(l.map(\.key).joined(separator: ", "))))"
    case .call(let f, let args): return "\(f.rawValue)(\(args.map(\.key).joined(separator: ", ")))"
    case .over(let n, let w):
      switch w {
      case .trailing(let d): return "(\(n.key) over \(d))"
      case .period(let p): return "(\(n.key) over \(p.rawValue))"
      }
    case .offset(let n, let d): return "(\(n.key) offset \(d))"
    case .at(let n, let i): return "(\(n.key) at \(i))"
    case .by(let n, let k): return "(\(n.key) by \(k.map(\.name).joined(separator: ", ")))"
    }
  }
}

extension KeySource {
  /// A canonical text of the key.
  var key: String {
    switch self {
    case .column(let c): return "`\(c)`"
    case .lookup(let steps, let c): return steps.map { "\($0.name)>" }.joined() + "`\(c)`"
    case .grain(let p): return p.rawValue
    }
  }
}
