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
  func makeSession() throws -> Session {
    let session = Session(zone: try zone())
    session.asOf = try instant()
    return session
  }

  func zone() throws -> Zone {
    guard let z = Zone(tz) else {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.unknownZone(tz), at: .file("--tz", line: nil, column: nil),
          notes: (nearest(tz, in: TimeZone.knownTimeZoneIdentifiers).map { ["did you mean '\($0)'?"] } ?? [])
            + [DriverMessage.zoneHint]))
    }
    return z
  }

  func instant() throws -> Instant? {
    guard let asOf else { return nil }
    guard let i = Instant(asOf) else {
      throw TallyError(
        Diagnostic(
          .error, DriverMessage.malformedAsOf(asOf), at: .file("--as-of", line: nil, column: nil),
          notes: [DriverMessage.asOfHint]))
    }
    return i
  }
}

/// The data and definitions `eval` reads, with the time options.
struct SessionOptions: ParsableArguments {
  @Option(name: .long, help: ArgumentHelp("A data file as a dataset: NAME=PATH, or NAME=PATH,time=COL.", valueName: "NAME=PATH[,time=COL]"))
  var data: [String] = []

  @Option(name: .long, help: ArgumentHelp("A .kpi definition file, or a directory of them, to load (repeatable).", valueName: "F.kpi"))
  var file: [String] = []

  @OptionGroup var time: TimeOptions

  /// A session with the zone, as-of, data and files loaded. A `--data` dataset that a file
  /// also declares replaces the file's path (and its time column, when `,time=` is given), so
  /// the same definitions run over another export.
  func makeSession() throws -> Session {
    let session = try time.makeSession()
    let files = file.isEmpty ? [] : try DefinitionFiles.collect(file)
    var declared: [String: String] = [:]  // dataset name -> where a file declares it
    for f in files {
      guard let source = try? Session.readSource(f) else { continue }  // reported by defineFiles
      for st in Parser.parse(source).statements {
        if case .dataset(let d) = st.kind { declared[d.name] = "\(source.name):\(st.line)" }
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
        // Said on stderr, so that a name that meets by mistake does not go unnoticed.
        FileHandle.standardError.write(Data("note: --data \(name)=\(path) replaces the file declared at \(place)\n".utf8))
        session.datasetOverrides[name] = path
        if let time { session.timeColumnOverrides[name] = time }
      } else {
        try session.load(name: name, path: path, timeColumn: time)
      }
    }
    if !files.isEmpty { try session.defineFiles(files) }
    return session
  }
}
