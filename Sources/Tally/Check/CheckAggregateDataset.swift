import Foundation

/// Which dataset an aggregate reads: the one it names (`count(orders)`, `sum(orders.amount)`,
/// a view counting as its base), else the one dataset that has its bare columns.
extension Checker {
  /// A qualified name in an aggregate: the names before its column (`orders` in
  /// `orders.amount`, `orders.shops` in `orders.shops.region`), where they stand, and all of it.
  struct Qualifier {
    var names: [String]
    var ranges: [SourceRange]
    var range: SourceRange
  }

  /// Names an aggregate's argument and filter mention: qualified names and bare names. An
  /// aggregate inside is a query of its own and is skipped.
  func references(_ e: Expr, members: inout [Qualifier], bare: inout [(String, SourceRange)]) {
    switch e.kind {
    case .literal: break
    case .name(let n): bare.append((n, e.range))
    case .member(let names, let ranges): members.append(Qualifier(names: names.dropLast(), ranges: ranges.dropLast(), range: e.range))
    case .negate(let x), .not(let x), .isNull(let x, _): references(x, members: &members, bare: &bare)
    case .binary(_, let a, let b):
      references(a, members: &members, bare: &bare)
      references(b, members: &members, bare: &bare)
    case .inList(let x, let l, _):
      references(x, members: &members, bare: &bare)
      for i in l { references(i, members: &members, bare: &bare) }
    case .call(let f, let args, let filter):
      if AggregateFunction(rawValue: f) != nil { return }
      for a in args { references(a, members: &members, bare: &bare) }
      if let filter { references(filter, members: &members, bare: &bare) }
    case .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _), .every(let x, _, _):
      references(x, members: &members, bare: &bare)
    }
  }

  /// Whether a qualifier names `candidate` (or its dataset, or a view of it) followed by links,
  /// or is a path of links from it.
  func qualifies(_ q: Qualifier, _ candidate: String) -> Bool {
    guard let base = catalog.baseDataset(of: candidate) else { return false }
    let first = q.names[0]
    if first == candidate || first == base
      || (catalog.views[first] != nil && catalog.baseDataset(of: first) == base && catalog.views[candidate] == nil)
    {
      return catalog.linkPath(from: base, q.names.dropFirst()) != nil
    }
    return catalog.linkPath(from: base, q.names) != nil
  }

  /// The error for a qualifier that no link path reaches from `from`.
  mutating func noLinkPath(_ q: Qualifier, from: String, _ ctx: Context, candidates: [String] = []) -> String? {
    let base = catalog.baseDataset(of: from) ?? from
    // A path that starts well and then names no link: say where it breaks.
    var names = q.names[...]
    var ranges = q.ranges[...]
    if let first = names.first, first == from || first == base { (names, ranges) = (names.dropFirst(), ranges.dropFirst()) }
    var at = base
    var walked = 0
    for n in names {
      guard let l = catalog.link(from: at, named: n) else { break }
      at = l.decl.to
      walked += 1
    }
    if walked > 0 || names.count < q.names.count, walked < names.count {
      let n = names[names.startIndex + walked]
      let here = catalog.links(from: at).map(\.decl.name)
      error(
        LinkMessage.noLink(n, from: at), ctx, ranges[ranges.startIndex + walked],
        notes: suggestion(n, in: here)
          + (here.isEmpty ? ["'\(at)' has no links"] : ["the links of '\(at)': \(here.map { "'\($0)'" }.joined(separator: ", "))"]))
      return nil
    }
    let links = catalog.links(from: base)
    var notes: [String] = []
    if links.isEmpty {
      let target = catalog.baseDataset(of: q.names[0]) ?? q.names[0]
      notes.append("'\(base)' has no links; add one, as in 'link \(base).COLUMN -> \(target).KEY'")
    } else {
      notes.append("the links of '\(base)': \(links.map { "'\($0.decl.name)' (\($0.written))" }.joined(separator: ", "))")
    }
    if candidates.count > 1 { notes.append("no one of \(candidates.map { "'\($0)'" }.joined(separator: ", ")) reaches all the others") }
    error(LinkMessage.noLinkPath(q.names.joined(separator: "."), from: from), ctx, q.range, notes: notes)
    return nil
  }

  mutating func whichDataset(
    _ f: AggregateFunction, _ relationName: String?, _ firstRange: SourceRange, _ argument: Expr?, _ filter: Expr?, _ r: SourceRange,
    _ ctx: Context
  ) -> String? {
    var members: [Qualifier] = []
    var bare: [(String, SourceRange)] = []
    if let argument { references(argument, members: &members, bare: &bare) }
    if let filter { references(filter, members: &members, bare: &bare) }
    let linkNames = Set(catalog.links.map(\.decl.name))
    for q in members where catalog.datasets[q.names[0]] == nil && catalog.views[q.names[0]] == nil && !linkNames.contains(q.names[0]) {
      let d = q.names[0]
      error(
        CheckMessage.unknownDataset(d), ctx, q.ranges[0],
        notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys) + Array(linkNames)))
      return nil
    }
    if let relationName {
      // `count(D ...)` reads D; every other qualifier must be D, one of its views, or a link path from it.
      for q in members where !qualifies(q, relationName) {
        return noLinkPath(q, from: relationName, ctx)
      }
      return relationName
    }
    // The candidates are the datasets and views that qualify names; the one that reaches every
    // other qualifier (itself, a view of it, or through its links) is read.
    var candidates: [String] = []
    for q in members where catalog.datasets[q.names[0]] != nil || catalog.views[q.names[0]] != nil {
      if !candidates.contains(q.names[0]) { candidates.append(q.names[0]) }
    }
    var fitting = candidates.filter { c in members.allSatisfy { qualifies($0, c) } }
    // Two views of one dataset, or a view and its dataset: the view is read (`sum(paid.amount where orders.vip)`).
    if fitting.count > 1, Set(fitting.compactMap { catalog.baseDataset(of: $0) }).count == 1 {
      let views = fitting.filter { catalog.views[$0] != nil }
      if views.count > 1 {
        error(CheckMessage.twoDatasets(views[0], views[1]), ctx, r)
        return nil
      }
      fitting = views.isEmpty ? [fitting[0]] : views
    }
    if fitting.count > 1 {
      error(LinkMessage.candidates(f.rawValue, fitting), ctx, r, notes: ["each of them reaches the others' names through its links"])
      return nil
    }
    if candidates.count > 0, fitting.isEmpty {
      // Name what does not fit: a qualifier that the first candidate cannot reach.
      let c = candidates[0]
      let q = members.first { !qualifies($0, c) } ?? members[0]
      if candidates.count > 1, catalog.links.isEmpty {
        error(CheckMessage.twoDatasets(c, q.names[0]), ctx, q.range)
        return nil
      }
      return noLinkPath(q, from: c, ctx, candidates: candidates)
    }
    var named = fitting.first
    if named == nil {
      // Infer the dataset from bare column names; a name in one dataset only decides first.
      var chosen: (String, String)?  // dataset, column
      let datasets = Array(catalog.datasets.values)
      let unique = bare.filter { n in datasets.filter { $0.type(of: n.0) != nil }.count == 1 }
      let rest = bare.filter { n in datasets.filter { $0.type(of: n.0) != nil }.count != 1 }
      for (n, nr) in unique + rest {
        let owners = catalog.datasets.values.filter { $0.type(of: n) != nil }.map(\.name).sorted()
        if owners.isEmpty {
          if catalog.values[n] != nil { continue }
          let allColumns = Set(catalog.datasets.values.flatMap { $0.columns.map(\.name) })
          error(
            CheckMessage.unknownColumnAnywhere(n), ctx, nr,
            notes: suggestion(n, in: allColumns.union(catalog.datasets.keys).union(catalog.views.keys)))
          return nil
        }
        if owners.count > 1 {
          if let c = chosen, owners.contains(c.0) { continue }
          error(CheckMessage.ambiguousColumn(n, datasets: owners), ctx, nr)
          return nil
        }
        if let c = chosen, c.0 != owners[0] {
          error(CheckMessage.twoDatasets(c.0, owners[0]), ctx, nr, notes: ["'\(c.1)' is in '\(c.0)', '\(n)' is in '\(owners[0])'"])
          return nil
        }
        chosen = (owners[0], n)
      }
      guard let c = chosen else {
        error(CheckMessage.noDatasetForAggregate(f.rawValue), ctx, r)
        return nil
      }
      named = c.0
    }
    return named
  }
}
