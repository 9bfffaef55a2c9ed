import Foundation

/// Which dataset an aggregate reads: the one it names (`count(orders)`, `sum(orders.amount)`,
/// a view counting as its base), else the one dataset that has its bare columns.
extension Checker {
  /// Names an aggregate's argument and filter mention: `d.c` dataset names and bare names.
  func references(_ e: Expr, members: inout [(String, SourceRange)], bare: inout [(String, SourceRange)]) {
    switch e.kind {
    case .literal: break
    case .name(let n): bare.append((n, e.range))
    case .member(let d, _, _): members.append((d, e.range))
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
    case .over(let x, _), .offset(let x, _), .at(let x, _), .by(let x, _): references(x, members: &members, bare: &bare)
    }
  }

  mutating func whichDataset(
    _ f: AggregateFunction, _ relationName: String?, _ firstRange: SourceRange, _ argument: Expr?, _ filter: Expr?, _ r: SourceRange,
    _ ctx: Context
  ) -> String? {
    var members: [(String, SourceRange)] = []
    var bare: [(String, SourceRange)] = []
    if let argument { references(argument, members: &members, bare: &bare) }
    if let filter { references(filter, members: &members, bare: &bare) }
    if let relationName { members.insert((relationName, firstRange), at: 0) }
    for (d, dr) in members where catalog.datasets[d] == nil && catalog.views[d] == nil {
      // Under the dataset's name, not the whole `dataset.column`.
      let quoted = ctx.source.slice(dr.start..<min(dr.end, dr.start + 1)) == "`"
      let nameRange = SourceRange(dr.start, min(dr.end, dr.start + d.utf8.count + (quoted ? 2 : 0)))
      error(
        CheckMessage.unknownDataset(d), ctx, nameRange, notes: suggestion(d, in: Array(catalog.datasets.keys) + Array(catalog.views.keys)))
      return nil
    }
    var named = members.first?.0
    // A view is its base dataset for naming columns: `count(paid where orders.vip)` reads `paid`.
    for (d, dr) in members.dropFirst() where d != named! {
      let a = catalog.views[named!]?.base ?? named!
      let b = catalog.views[d]?.base ?? d
      if a != b || (catalog.views[named!] != nil && catalog.views[d] != nil) {
        error(CheckMessage.twoDatasets(named!, d), ctx, dr)
        return nil
      }
      if catalog.views[d] != nil { named = d }
    }
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
