import Foundation

extension Executor {
  /// An aggregate over the groups of a grouped expression: the groups become rows (`value`
  /// and the keys), its `where` filters them, and it reduces them per outer group.
  func overGroups(_ g: GroupsAggregate, _ type: ValueType, _ ctx: Context) throws -> MetricValue {
    var c = ctx
    c.grouping = nil  // the inner `by` groups by the outer keys and its own
    let groups: GroupedValue
    switch try eval(g.grouped, c) {
    case .grouped(let v): groups = v
    case .scalar(let s): groups = GroupedValue(keyNames: [], values: [[]: s], fallback: s)
    }
    let rows = groups.sortedRows
    // The groups as a dataset: a name of their own, so that nothing cached is mistaken for them.
    groupTables += 1
    let name = "\(Checker.groupsDataset)#\(groupTables)"
    var columns = [Column(name: "value", vector: Self.vector(rows.map(\.value), g.valueType))]
    for (j, keyName) in groups.keyNames.enumerated() {
      let type = j < g.keyTypes.count ? g.keyTypes[j] : .null
      columns.append(Column(name: keyName, vector: Self.vector(rows.map { $0.key[j] }, type)))
    }
    let table = Dataset(name: name, path: "", columns: columns, rowCount: rows.count)
    defer {
      rowCache = rowCache.filter { $0.key.dataset != name }
      filterCache = filterCache.filter { $0.key.dataset != name }
    }
    var mask = columns[0].vector.valid ?? Bitmap(count: rows.count, value: true)
    if let f = g.filter { mask.formAnd(try truthy(f, table, ctx)) }
    // One accumulator group per outer group.
    var outerIds = [Int](repeating: 0, count: rows.count)
    var outerKeys: [[Value]] = []
    var idOf: [[Value]: Int] = [:]
    for (i, r) in rows.enumerated() {
      let k = Array(r.key.prefix(g.outerKeys))
      if let id = idOf[k] {
        outerIds[i] = id
      } else {
        idOf[k] = outerKeys.count
        outerIds[i] = outerKeys.count
        outerKeys.append(k)
      }
    }
    if g.outerKeys == 0, outerKeys.isEmpty { outerKeys = [[]] }
    var acc = Accumulator(g.function, columns[0].vector, type, g.parameter, groups: max(outerKeys.count, 1))
    mask.forEachSet { acc.add($0, group: outerIds[$0]) }
    for k in 0..<outerKeys.count where acc.outOfRange(k) { RangeNotes.record("'\(g.function.rawValue)'") }
    guard g.outerKeys > 0 else { return .scalar(acc.result(0)) }
    var values: [[Value]: Value] = [:]
    for (k, key) in outerKeys.enumerated() { values[key] = acc.result(k) }
    let empty = Accumulator(g.function, nil, type, g.parameter, groups: 1).result(0)
    return .grouped(GroupedValue(keyNames: Array(groups.keyNames.prefix(g.outerKeys)), values: values, fallback: empty))
  }

  /// A vector of values; the type is the one checked, or the values' own when it was unknown.
  static func vector(_ values: [Value], _ checked: ValueType) -> Vector {
    var type = checked
    if type == .null || type.isNumeric {
      // Numbers and ints meet in one key column; a key of unknown type takes its values' type.
      let kinds = Set(values.filter { !$0.isNull }.map(\.naturalType))
      type = kinds.count == 1 ? kinds.first! : kinds.allSatisfy(\.isNumeric) && !kinds.isEmpty ? .number : (kinds.first ?? .string)
    }
    var b = VectorBuilder(type: type, capacity: values.count)
    for v in values {
      if type == .number, case .int(let i) = v { b.append(.number(Double(i))) } else { b.append(v) }
    }
    return b.finish()
  }
}
