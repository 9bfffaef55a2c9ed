import Foundation

/// A named column of a dataset.
public struct Column: Sendable {
  /// The name formulas use.
  public var name: String
  /// Its values and null mask.
  public var vector: Vector
  /// For a text column read from a file, the first value that made it text.
  public var textOrigin: TextOrigin?
  /// The type of its values.
  public var type: ValueType { vector.type }

  /// A column of values.
  public init(name: String, vector: Vector, textOrigin: TextOrigin? = nil) {
    self.name = name
    self.vector = vector
    self.textOrigin = textOrigin
  }
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
  /// The line of the file each row starts on, where the reader knows it.
  public var rowLines = RowLines()
  /// For a table that stays on a database server, where it is: the dataset then holds no rows.
  public var server: ServerTable?
  /// The file's columns that were not read (no formula could name them), in file order.
  public var unreadColumns: [String] = []
  private var index: [String: Int]

  /// Where its rows come from, as messages name it: a file or a server.
  public var sourceName: String { server?.serverName ?? "files" }

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

  /// The dataset with a column's values replaced.
  public func replacing(_ column: String, with vector: Vector) -> Dataset {
    var d = Dataset(
      name: name, path: path, columns: columns.map { $0.name == column ? Column(name: column, vector: vector) : $0 }, rowCount: rowCount)
    d.rowLines = rowLines
    d.server = server
    return d
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

/// The line each row of a file starts on, kept sparsely: a row starts on the line after the
/// row before it, except after a blank line or a quoted line break, where a jump is recorded.
public struct RowLines: Sendable {
  /// Rows whose line is not the one after the previous row's last, with their lines.
  private var jumps: [(row: Int, line: Int)] = []
  /// The line of the row before, and the rows recorded.
  private var last = (row: -1, line: 0)

  /// An empty map (a dataset not read from a file).
  public init() {}

  /// The map as its parts, for the column cache: the jumps, the last row and its line.
  var parts: (jumps: [(row: Int, line: Int)], last: (row: Int, line: Int)) { (jumps, last) }

  /// A map from its parts.
  init(jumps: [(row: Int, line: Int)], last: (row: Int, line: Int)) {
    self.jumps = jumps
    self.last = last
  }

  /// Records that row `row` (each row once, in order) starts on line `line`.
  mutating func record(row: Int, line: Int) {
    if row != last.row + 1 || line != last.line + 1 { jumps.append((row, line)) }
    last = (row, line)
  }

  /// The line row `row` starts on; nil when no line was recorded for it.
  public func line(of row: Int) -> Int? {
    guard row >= 0, row <= last.row else { return nil }
    var lo = 0
    var hi = jumps.count
    while lo < hi {  // the last jump at or before `row`
      let mid = (lo + hi) / 2
      if jumps[mid].row <= row { lo = mid + 1 } else { hi = mid }
    }
    guard lo > 0 else { return nil }
    let j = jumps[lo - 1]
    return j.line + (row - j.row)
  }
}
