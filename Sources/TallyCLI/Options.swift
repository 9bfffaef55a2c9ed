import ArgumentParser
import Foundation
import Tally
import TallyDriver

/// `--as-of` and `--tz`, which every evaluating command takes.
struct TimeOptions: ParsableArguments {
  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp("The exclusive end of time: a day (2024-06-30 means through its end) or an instant.", valueName: "T"))
  var asOf: String?

  @Option(
    name: .long,
    help: ArgumentHelp("The session time zone: an IANA name such as Asia/Shanghai, or an offset such as +08:00.", valueName: "ZONE"))
  var tz: String = "UTC"

  /// An empty session in the zone, with the as-of set.
  func makeSession() throws -> Session { try SessionSetup.session(zone: zone(), asOf: instant(), data: [], files: []) }

  func zone() throws -> Zone { try SessionSetup.zone(tz) }

  func instant() throws -> Instant? { try SessionSetup.asOf(asOf) }
}

/// Where typed columns are kept between runs.
struct CacheOptions: ParsableArguments {
  @Option(
    name: .long,
    help: ArgumentHelp(
      "Keep the typed columns read from data files in this directory (default: .tally-cache/ next to each file), so that a run over unchanged files reads them instead of the text.",
      valueName: "DIR"))
  var cache: String?

  @Flag(name: .customLong("no-cache"), help: "Read every data file as text; keep nothing between runs.")
  var noCache = false

  /// The cache the options ask for; nil with `--no-cache`.
  var columnCache: ColumnCache? { noCache ? nil : ColumnCache(directory: cache) }
}

/// The data and definitions `eval` reads, with the time options.
struct SessionOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("A data file as a dataset: NAME=PATH, or NAME=PATH,time=COL.", valueName: "NAME=PATH[,time=COL]"))
  var data: [String] = []

  @Option(name: .long, help: ArgumentHelp("A .kpi definition file, or a directory of them, to load (repeatable).", valueName: "F.kpi"))
  var file: [String] = []

  @OptionGroup var time: TimeOptions

  @OptionGroup var caching: CacheOptions

  /// A session with the zone, as-of, data and files loaded (`SessionSetup.session`); what a
  /// `--data` replaces is said on stderr.
  /// A session for the definitions; with `only`, for evaluating only those formulas (the
  /// files' columns they cannot name are not read).
  func makeSession(only formulas: [String]? = nil) throws -> Session {
    try SessionSetup.session(
      zone: try time.zone(), asOf: try time.instant(), data: data, files: file, only: formulas, columnCache: caching.columnCache
    ) {
      FileHandle.standardError.write(Data($0.utf8))
    }
  }
}
