import Foundation

/// Clauses that change nothing: `dispute_rate over 7d` where every aggregate of `dispute_rate`
/// is already `over 28d` (an inner `over` wins), or an `offset` or `at` around aggregates that
/// each have their own `at`. Evaluation reports them as notes, since the value is not the one
/// the clause seems to ask for.
extension Node {
  /// Each clause without effect, as written (`over 7d`), with the inner clause that wins.
  public var clausesWithoutEffect: [(clause: String, inner: String)] {
    var out: [(String, String)] = []
    collectClausesWithoutEffect(&out)
    return out
  }

  private func collectClausesWithoutEffect(_ out: inout [(String, String)]) {
    switch kind {
    case .over(let x, let w):
      if case .covered(let inner) = x.coverage(byWindow: true) { out.append(("over \(w.written)", inner)) }
    case .offset(let x, let d):
      if case .covered(let inner) = x.coverage(byWindow: false) { out.append(("offset \(Window.trailing(d).written)", inner)) }
    case .at(let x, _):
      if case .covered(let inner) = x.coverage(byWindow: false) { out.append(("at", inner)) }
    default: break
    }
    for c in children { c.collectClausesWithoutEffect(&out) }
  }

  /// Whether every aggregate below is under its own `over` (`byWindow`) or its own `at`.
  fileprivate enum Coverage {
    case noAggregate
    case covered(String)
    case open
  }

  private func coverage(byWindow: Bool) -> Coverage {
    switch kind {
    case .aggregate, .perRow, .overGroups: return .open
    case .over(let x, let w) where byWindow:
      return x.coverage(byWindow: true).isOpenOrCovered ? .covered("over \(w.written)") : .noAggregate
    case .at(let x, _) where !byWindow:
      return x.coverage(byWindow: false).isOpenOrCovered ? .covered("at") : .noAggregate
    default:
      var found: String?
      for c in children {
        switch c.coverage(byWindow: byWindow) {
        case .open: return .open
        case .covered(let s): found = found ?? s
        case .noAggregate: break
        }
      }
      return found.map { .covered($0) } ?? .noAggregate
    }
  }

  /// The metric-level nodes directly below.
  var children: [Node] {
    switch kind {
    case .literal, .interval, .column, .aggregate, .lookup, .perRow: return []
    case .overGroups(let g): return [g.grouped]
    case .negate(let n), .not(let n), .isNull(let n, _), .over(let n, _), .offset(let n, _), .at(let n, _), .by(let n, _),
      .series(let n, _, _):
      return [n]
    case .binary(_, let a, let b): return [a, b]
    case .inList(let n, let l, _): return [n] + l
    case .call(_, let args): return args
    }
  }
}

extension Node.Coverage {
  /// True when there is an aggregate below at all.
  fileprivate var isOpenOrCovered: Bool {
    if case .noAggregate = self { return false }
    return true
  }
}

extension Window {
  /// The window as written after `over`.
  var written: String {
    switch self {
    // Days as days (`28d`, not `4w`): as a window is most often written.
    case .trailing(let d): return d.months == 0 && d.micros == 0 ? "\(d.days)d" : d.description
    case .period(let p): return p.rawValue
    }
  }
}

extension Node {
  /// The datasets a checked formula reads and the links it follows (`from.name`).
  func visitReads(datasets: inout Set<String>, links: inout Set<String>) {
    func steps(_ s: [LinkStep]) {
      for l in s {
        links.insert("\(l.from).\(l.name)")
        datasets.insert(l.to)
      }
    }
    func aggregate(_ a: Aggregate) {
      datasets.insert(a.relation.dataset)
      for n in [a.argument, a.filter, a.relation.filter].compactMap({ $0 }) { n.visitReads(datasets: &datasets, links: &links) }
      for k in a.keys ?? [] { if case .lookup(let s, _) = k { steps(s) } }
    }
    switch kind {
    case .aggregate(let a): aggregate(a)
    case .lookup(let s, _): steps(s)
    case .perRow(let p):
      aggregate(p.aggregate)
      links.insert("\(p.link.from).\(p.link.name)")
    case .overGroups(let g):
      g.grouped.visitReads(datasets: &datasets, links: &links)
      g.filter?.visitReads(datasets: &datasets, links: &links)
    default: for c in children { c.visitReads(datasets: &datasets, links: &links) }
    }
  }
}
