import Foundation
import Tally

/// What the command line's options become: a zone, an as-of, a session with its data and
/// definitions. Errors name the option they come from.
public enum SessionSetup {
  /// The zone `--tz` names.
  public static func zone(_ name: String) throws -> Zone {
    guard let z = Zone(name) else {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.unknownZone(name), at: .file("--tz", line: nil, column: nil),
          notes: (nearest(name, in: TimeZone.knownTimeZoneIdentifiers).map { [didYouMean($0)] } ?? []) + [DriverMessage.zoneHint]))
    }
    return z
  }

  /// The as-of `--as-of` names, or nil for the default.
  public static func asOf(_ text: String?) throws -> Instant? {
    guard let text else { return nil }
    guard let i = Instant(text) else {
      throw TallyError(
        Diagnostic(.error, DriverMessage.malformedAsOf(text), at: .file("--as-of", line: nil, column: nil), notes: [DriverMessage.asOfHint])
      )
    }
    return i
  }

  /// A session in `zone` as of `asOf`, with the `--data` datasets and the `--file` definitions
  /// (files or directories of them). A `--data` dataset that a file also declares replaces the
  /// declared file (and its time column, when `,time=` is given), so the same definitions run
  /// over another export; `note` is told so. With `formulas`, the session evaluates only those
  /// (and the files' metrics): a file's columns that none of them names are not read.
  public static func session(
    zone: Zone, asOf: Instant?, data: [String], files: [String], only formulas: [String]? = nil, columnCache: ColumnCache? = nil,
    note: (String) -> Void = { _ in }
  ) throws -> Session {
    let session = Session(zone: zone)
    session.columnCache = columnCache
    session.asOf = asOf
    if let formulas {
      session.readsOnlyNamedColumns = true
      session.formulasToCome = formulas
    }
    let paths = files.isEmpty ? [] : try DefinitionFiles.collect(files)
    let parsed = try readDefinitions(paths)
    var declared: [String: String] = [:]  // dataset name -> where a file declares it
    for (p, _) in parsed {
      for st in p.statements {
        if case .dataset(let d) = st.kind { declared[d.name] = "\(p.source.name):\(st.line)" }
      }
    }
    var given = Set<String>()
    for d in data {
      let (name, path, time) = try DataArgument.parse(d)
      guard given.insert(name).inserted else {
        throw TallyError(
          Diagnostic(
            .error, DriverMessage.dataNamedTwice(name), at: .file("--data", line: nil, column: nil),
            notes: ["give each dataset its own name"]))
      }
      if let place = declared[name] {
        note("note: --data \(name)=\(path) replaces the file declared at \(place)\n")
        session.datasetOverrides[name] = path
        if let time { session.timeColumnOverrides[name] = time }
      } else {
        try session.load(name: name, path: path, timeColumn: time)
      }
    }
    if !parsed.isEmpty { try session.define(parsed: parsed, formulas: false) }
    return session
  }

  /// Definition files read and parsed once, each with the directory its paths are relative to;
  /// every file that cannot be read is reported.
  public static func readDefinitions(_ paths: [String]) throws -> [(ParsedSource, String?)] {
    var out: [(ParsedSource, String?)] = []
    var diagnostics: [Diagnostic] = []
    for path in paths {
      do {
        out.append((Pipeline.parseStatements(try Session.readSource(path)), Paths.directory(of: path)))
      } catch let e as TallyError {
        diagnostics += e.diagnostics
      }
    }
    if !diagnostics.isEmpty { throw TallyError(diagnostics) }
    return out
  }
}
