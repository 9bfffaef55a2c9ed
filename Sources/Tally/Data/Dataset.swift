import Foundation

/// A named column of a dataset.
public struct Column: Sendable {
  /// The name formulas use.
  public var name: String
  /// Its values and null mask.
  public var vector: Vector
  /// The type of its values.
  public var type: ValueType { vector.type }
}

/// A loaded table: named typed columns of equal length.
public struct Dataset: Sendable {
  /// The name formulas use.
  public var name: String
  /// Where it was loaded from.
  public var path: String
  /// The columns, in file order.
  public var columns: [Column]
  /// The number of rows (every column's length).
  public var rowCount: Int
  private var index: [String: Int]

  /// A dataset from columns of `rowCount` values each.
  public init(name: String, path: String, columns: [Column], rowCount: Int) {
    self.name = name
    self.path = path
    self.columns = columns
    self.rowCount = rowCount
    var idx: [String: Int] = [:]
    for (i, c) in columns.enumerated() { idx[c.name] = i }
    index = idx
  }

  /// The column with a name.
  public func column(_ name: String) -> Column? { index[name].map { columns[$0] } }

  /// The column names, in file order.
  public var columnNames: [String] { columns.map(\.name) }

  /// The time column by the contract's rule: the only `time` column, else the first of
  /// `time`, `timestamp`, `created_at`, `date` that is a `time` column.
  public var defaultTimeColumn: String? {
    let times = columns.filter { $0.type == .time }
    if times.count == 1 { return times[0].name }
    for n in ["time", "timestamp", "created_at", "date"] where column(n)?.type == .time { return n }
    return nil
  }
}
