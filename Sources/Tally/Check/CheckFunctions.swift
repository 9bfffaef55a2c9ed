import Foundation

extension Checker {
  mutating func function(_ f: Function, _ args: [Expr], _ r: SourceRange, _ ctx: Context) -> Node? {
    var nodes: [Node] = []
    var failed = false
    for a in args {
      if let n = check(a, ctx) { nodes.append(n) } else { failed = true }
    }
    if failed { return nil }
    func arity(_ lo: Int, _ hi: Int) -> Bool {
      guard nodes.count >= lo && nodes.count <= hi else {
        let want = lo == hi ? String(lo) : hi == Int.max ? "\(lo) or more" : "\(lo) to \(hi)"
        error(CheckMessage.argumentCount(f.rawValue, want: want, got: nodes.count), ctx, r)
        return false
      }
      return true
    }
    func want(_ i: Int, _ types: [ValueType], _ what: String) -> Bool {
      let t = nodes[i].type
      if t == .null || types.contains(t) { return true }
      error(
        CheckMessage.expectedType("argument \(i + 1) of '\(f.rawValue)'", want: what, got: t.description), ctx, nodes[i].range,
        notes: textNotes([nodes[i]], ctx))
      return false
    }
    let type: ValueType
    switch f {
    case .seconds, .minutes, .hours, .days:
      guard arity(1, 1), want(0, [.duration], "a duration") else { return nil }
      type = .number
    case .abs:
      guard arity(1, 1), want(0, [.int, .number, .duration], "a number or a duration") else { return nil }
      type = nodes[0].type
    case .round:
      guard arity(1, 2), want(0, [.int, .number], "a number") else { return nil }
      if nodes.count == 2 { guard want(1, [.int], "an int") else { return nil } }
      type = nodes[0].type == .int ? .int : .number
    case .floor, .ceil:
      guard arity(1, 1), want(0, [.int, .number], "a number") else { return nil }
      type = nodes[0].type == .int ? .int : .number
    case .least, .greatest, .coalesce:
      guard arity(1, Int.max) else { return nil }
      var t = ValueType.null
      for n in nodes {
        guard let c = commonType(t, n.type) else {
          error(CheckMessage.expectedType("every argument of '\(f.rawValue)'", want: t.description, got: n.type.description), ctx, n.range)
          return nil
        }
        t = c
      }
      type = t
    case .if:
      guard arity(3, 3), want(0, [.bool], "a bool") else { return nil }
      guard let t = commonType(nodes[1].type, nodes[2].type) else {
        error(
          CheckMessage.expectedType(
            "both branches of 'if'", want: "of one type", got: "\(nodes[1].type.description) and \(nodes[2].type.description)"),
          ctx, r)
        return nil
      }
      type = t
    case .lower, .upper:
      guard arity(1, 1), want(0, [.string], "a string") else { return nil }
      type = .string
    case .length:
      guard arity(1, 1), want(0, [.string], "a string") else { return nil }
      type = .int
    case .contains, .startsWith, .endsWith:
      guard arity(2, 2), want(0, [.string], "a string"), want(1, [.string], "a string") else { return nil }
      type = .bool
    case .date:
      guard arity(1, 1), want(0, [.time], "a time") else { return nil }
      type = .time
    case .hour, .weekday:
      guard arity(1, 1), want(0, [.time], "a time") else { return nil }
      type = .int
    }
    return Node(.call(f, nodes), type, r)
  }
}
