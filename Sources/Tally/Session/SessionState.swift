import Foundation

/// A place a name was defined, for duplicate-definition errors.
struct DefinitionSite {
  var source: Source
  var range: SourceRange
  var position: String {
    let (l, c) = source.location(of: range.start)
    return "\(source.name):\(l):\(c)"
  }
}

/// Where a dataset was read from, to read it again on a change of zone.
struct LoadRecord {
  var path: String
  var time: String?
  var site: DefinitionSite?
}

/// A metric as the check stage left it: its plan and its bounds, evaluated once.
struct CheckedMetric {
  var plan: Node
  var target: BoundValue?
  var warn: BoundValue?
}

/// Everything a session has defined, as one value: the stages of a definition work on a
/// copy, and a rollback is an assignment.
struct SessionState {
  /// The names formulas can use.
  var catalog = Catalog()
  /// The loaded datasets by name.
  var datasets: [String: Dataset] = [:]
  /// Metric, assert and test statements in definition order.
  var metrics: [Statement] = []
  var asserts: [Statement] = []
  var tests: [Statement] = []
  /// Where each dataset was read from.
  var loads: [String: LoadRecord] = [:]
  /// How long reading each dataset's file took, in seconds.
  var loadSeconds: [String: Double] = [:]
  /// Where each name was defined.
  var sites: [String: DefinitionSite] = [:]
  /// The names of the sources defined so far, in the order they were read.
  var sourceOrder: [String] = []
  /// The checked metrics and asserts of the last check stage; emptied whenever a name changes,
  /// since a plan inlines the definitions it uses.
  var checkedMetrics: [String: CheckedMetric] = [:]
  var checkedAsserts: [StatementKey: Node] = [:]
  /// The key indexes links read, by dataset and key column, built when the link is checked
  /// on load (a key must be unique) and handed to the engine.
  var keyIndexes: [KeyColumn: KeyIndex] = [:]
  /// The links' keys on servers found unique (a server keeps no index here).
  var serverKeysChecked: Set<KeyColumn> = []

  /// An assert's place, the key of its plan: its source (by identity: two sources may share
  /// a name) and its offset there.
  struct StatementKey: Hashable {
    var source: ObjectIdentifier
    var offset: Int
    init(_ st: Statement) {
      source = st.source.id
      offset = st.keywordRange.start
    }
  }

  /// Forgets a name's definition, and every plan (any of them may have used it).
  mutating func removeName(_ name: String) {
    checkedMetrics = [:]
    checkedAsserts = [:]
    guard sites[name] != nil || datasets[name] != nil else { return }  // a new name: nothing to remove
    datasets[name] = nil
    keyIndexes = keyIndexes.filter { $0.key.dataset != name }
    serverKeysChecked = serverKeysChecked.filter { $0.dataset != name }
    catalog.datasets[name] = nil
    catalog.views[name] = nil
    catalog.values[name] = nil
    metrics.removeAll { $0.definedName == name }
    sites[name] = nil
    loads[name] = nil
  }

  /// Adds a loaded dataset under its name, with its time column (else the contract's default
  /// rule). `site` is where it is declared, `timeSite` where its time column is named (a wrong
  /// time column is reported there). A dataset read from its header only (`headerOnly`) has
  /// columns of unknown type: its time column is checked when it is loaded.
  mutating func add(_ given: Dataset, timeColumn: String?, site: DefinitionSite?, timeSite: DefinitionSite? = nil, headerOnly: Bool = false)
    throws
  {
    // A column with no value at all (an empty export) is the time column it is declared to be.
    var ds = given
    if let timeColumn, !headerOnly, ds.server == nil, let col = ds.column(timeColumn), col.type == .string,
      col.vector.nullCount == col.vector.count
    {
      ds = ds.replacing(
        timeColumn,
        with: Vector(type: .time, data: .time([Int64](repeating: 0, count: ds.rowCount)), valid: Bitmap(count: ds.rowCount, value: false)))
    }
    var tc = ds.defaultTimeColumn
    if let timeColumn {
      let bad: CheckMessage?
      var notes: [String] = []
      if headerOnly && ds.columns.isEmpty {  // a header that could not be read ahead: checked on load
        bad = nil
      } else if let col = ds.column(timeColumn) {
        bad = col.type == .time || col.type == .null ? nil : CheckMessage.notTimeColumn(timeColumn, of: ds.name, type: col.type.description)
      } else {
        bad = CheckMessage.unknownColumn(timeColumn, in: ds.name, qualified: false)
        notes = suggestion(timeColumn, in: ds.columnNames)
      }
      if let bad {
        if let at = timeSite ?? site { throw TallyError(.error(bad, at.source, at.range, notes: notes)) }
        throw TallyError(.dataError(bad, file: ds.path, notes: notes))
      }
      tc = timeColumn
    }
    removeName(ds.name)
    datasets[ds.name] = ds
    var schema = DatasetSchema(name: ds.name, columns: ds.columns.map { ($0.name, $0.type) }, timeColumn: tc)
    schema.path = ds.path
    for c in ds.columns { if let o = c.textOrigin { schema.textOrigins[c.name] = o } }
    catalog.datasets[ds.name] = schema
    sites[ds.name] = site ?? DefinitionSite(source: Source(name: ds.path, text: ""), range: SourceRange(0, 0))
  }

  /// The dataset a dataset or view name reads, following views.
  func baseDataset(of name: String) -> String? { catalog.baseDataset(of: name) }
}

/// A dataset's key column, which links read.
@_spi(Stages) public struct KeyColumn: Hashable, Sendable {
  public var dataset: String
  public var column: String
  public init(dataset: String, column: String) {
    self.dataset = dataset
    self.column = column
  }
}
