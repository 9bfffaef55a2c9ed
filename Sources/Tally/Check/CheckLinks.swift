import Foundation

/// What the checker reports about links and lookups (section 9).
public enum LinkMessage: DiagnosticMessage {
  case linkOfView(String, base: String)
  case unknownLinkColumn(String, in: String)
  case linkTypes(String, String, String, String)
  case linkKeyType(String, String)
  case duplicateLinkName(String, from: String)
  case noLink(String, from: String)
  case noLinkPath(String, from: String)
  case candidates(String, [String])
  case noLinkToRows(String, String)
  case severalLinks(String, String, [String])
  case keyNotReached(String, String)
  case onlyThroughLink(String, in: String, path: String)

  public static let stage = "check"

  public var text: String {
    switch self {
    case .linkOfView(let v, let base):
      return "'\(v)' is a view; a link joins datasets, so link its dataset '\(base)'"
    case .unknownLinkColumn(let c, let d): return "unknown column '\(c)' in '\(d)'"
    case .linkTypes(let a, let ta, let b, let tb): return "a link joins columns of one type, but '\(a)' is \(ta) and '\(b)' is \(tb)"
    case .linkKeyType(let c, let t): return "a link's columns are int, string, bool or time, and '\(c)' is \(t)"
    case .duplicateLinkName(let n, let d): return "dataset '\(d)' has two links named '\(n)'; name one with 'as NAME'"
    case .noLink(let n, let d): return "'\(d)' has no link named '\(n)'"
    case .noLinkPath(let q, let from):
      return "'\(q)' is not reached by a link from \(from.isEmpty ? "the dataset this aggregate reads" : "'\(from)'")"
    case .candidates(let f, let ds):
      return
        "aggregate '\(f)' could read any of \(ds.map { "'\($0)'" }.joined(separator: ", ")); name the one it counts, as in 'count(\(formulaName(ds[0])))'"
    case .noLinkToRows(let a, let b):
      return "an aggregate over '\(a)' inside a filter of '\(b)' needs a link from '\(a)' to '\(b)'"
    case .severalLinks(let a, let b, _): return "'\(a)' has several links to '\(b)', so which rows refer to a row of '\(b)' is unclear"
    case .keyNotReached(let k, let d):
      return "'by \(k)': '\(d)' neither is nor links to '\(k.split(separator: ".").first.map(String.init) ?? k)'"
    case .onlyThroughLink(let c, let d, let path): return "unknown column '\(c)' in '\(d)'; did you mean '\(path)'?"
    }
  }
}

extension Checker {
  /// Checks a link against the schemas: A and B are datasets with those columns, of one type
  /// that can be a key, and A has no other link of that name. True when it fits.
  public mutating func checkLink(_ def: LinkDefinition) -> Bool {
    let l = def.decl
    let ctx = Context(source: def.source)
    let names = Array(catalog.datasets.keys) + Array(catalog.views.keys)
    var ends: [(name: String, range: SourceRange, column: String, columnRange: SourceRange)] = [
      (l.from, l.fromRange, l.column, l.columnRange), (l.to, l.toRange, l.key, l.keyRange),
    ]
    var types: [ValueType] = []
    for i in ends.indices {
      let (d, dr, c, cr) = ends[i]
      if catalog.views[d] != nil {
        error(LinkMessage.linkOfView(d, base: catalog.baseDataset(of: d) ?? d), ctx, dr)
        return false
      }
      guard let schema = catalog.datasets[d] else {
        error(CheckMessage.unknownDataset(d), ctx, dr, notes: suggestion(d, in: names))
        return false
      }
      guard let t = schema.type(of: c) else {
        error(LinkMessage.unknownLinkColumn(c, in: d), ctx, cr, notes: suggestion(c, in: schema.columns.map(\.name)))
        return false
      }
      types.append(t)
      ends[i].column = c
    }
    for (i, t) in types.enumerated() where ![.int, .string, .bool, .time, .null].contains(t) {
      error(LinkMessage.linkKeyType("\(ends[i].name).\(ends[i].column)", t.description), ctx, ends[i].columnRange)
      return false
    }
    if types[0] != types[1], types[0] != .null, types[1] != .null {
      error(
        LinkMessage.linkTypes("\(l.from).\(l.column)", types[0].description, "\(l.to).\(l.key)", types[1].description), ctx,
        l.columnRange.union(l.keyRange))
      return false
    }
    let same = catalog.links.filter { $0.decl.from == l.from && $0.decl.name == l.name }
    if same.count > 1, let first = same.first, first.source.id != def.source.id || first.range.start != def.range.start {
      let (line, col) = first.source.location(of: first.decl.nameRange.start)
      error(
        LinkMessage.duplicateLinkName(l.name, from: l.from), ctx, l.nameRange,
        notes: ["the other is at \(first.source.name):\(line):\(col)"])
      return false
    }
    return true
  }

  /// The column a path names in the rows of `rel`: its own column (`amount`, `orders.amount`),
  /// or a lookup through links (`orders.category`, `orders.shops.region`).
  mutating func lookup(
    _ names: [String], _ ranges: [SourceRange], _ r: SourceRange, _ rel: Relation, _ schema: DatasetSchema, _ ctx: Context
  )
    -> Node?
  {
    var links = names.dropLast()
    var linkRanges = ranges.dropLast()
    let column = names[names.count - 1]
    if let first = links.first, first == rel.name || first == rel.dataset || catalog.baseDataset(of: first) == rel.dataset,
      catalog.link(from: rel.dataset, named: first) == nil || first == rel.name
    {
      links = links.dropFirst()
      linkRanges = linkRanges.dropFirst()
    }
    var at = rel.dataset
    var steps: [LinkStep] = []
    for (n, nr) in zip(links, linkRanges) {
      guard let l = catalog.link(from: at, named: n) else {
        let here = catalog.links(from: at).map(\.decl.name)
        if steps.isEmpty, catalog.datasets[n] != nil || catalog.views[n] != nil {
          error(
            CheckMessage.twoDatasets(rel.name, n), ctx, r,
            notes: here.isEmpty
              ? ["'\(at)' has no links; add one, as in 'link \(at).COLUMN -> \(catalog.baseDataset(of: n) ?? n).KEY'"]
              : ["the links of '\(at)': \(here.map { "'\($0)'" }.joined(separator: ", "))"])
        } else {
          error(
            LinkMessage.noLink(n, from: at), ctx, nr,
            notes: suggestion(n, in: here) + (here.isEmpty ? ["'\(at)' has no links"] : []))
        }
        return nil
      }
      steps.append(l.step)
      at = l.decl.to
    }
    guard let target = catalog.datasets[at] else { return nil }
    guard let t = target.type(of: column) else {
      error(
        CheckMessage.unknownColumn(column, in: steps.isEmpty ? rel.name : at, qualified: true), ctx, ranges[ranges.count - 1],
        notes: suggestion(column, in: target.columns.map(\.name)))
      return nil
    }
    if steps.isEmpty { return Node(.column(column), t, r) }
    return Node(.lookup(steps, column), t, r)
  }

  /// For a name that is no column of `dataset`: the lookups through its links (one or two
  /// steps) that would reach such a column, as `orders.category`.
  func reachableThroughLinks(_ column: String, from dataset: String) -> [String] {
    var found: [String] = []
    for l in catalog.links(from: dataset) {
      if catalog.datasets[l.decl.to]?.type(of: column) != nil { found.append("\(l.decl.name).\(column)") }
    }
    if found.isEmpty {
      for l in catalog.links(from: dataset) {
        for m in catalog.links(from: l.decl.to) where catalog.datasets[m.decl.to]?.type(of: column) != nil {
          found.append("\(l.decl.name).\(m.decl.name).\(column)")
        }
      }
    }
    var seen = Set<String>()
    return Array(found.filter { seen.insert($0).inserted }.prefix(3))
  }
}
