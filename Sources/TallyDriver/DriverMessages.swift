import Foundation
import Tally

/// What the command line and the REPL report about their arguments.
public enum DriverMessage: DiagnosticMessage {
  case noDefinitionFiles(String)
  case noSuchDirectory(String)
  case roundsNotPositive(Int)
  case noSuchFileOrDirectory(String)
  case unknownZone(String)
  case malformedAsOf(String)
  case malformedData(String)
  case dataWithoutPath(String)
  case dataNamedTwice(String)
  case dataFileAsDefinitions(String, kind: String)
  case unreadableDirectory(String)
  case brokenLink(String)

  public static let stage = "driver"

  public var text: String {
    switch self {
    case .noDefinitionFiles(let dir): return "no .kpi files in '\(dir)'"
    case .noSuchDirectory(let dir): return "no such directory '\(dir)'"
    case .roundsNotPositive(let n): return "--repeat \(n): the number of rounds must be at least 1"
    case .noSuchFileOrDirectory(let p): return "no such file or directory '\(p)'"
    case .unknownZone(let z): return "unknown time zone '\(z)'"
    case .malformedAsOf(let s): return "malformed as-of '\(s)'"
    case .malformedData(let s): return "malformed --data '\(s)'"
    case .dataWithoutPath(let s): return "malformed --data '\(s)': no path"
    case .dataNamedTwice(let n): return "'\(n)' is given twice"
    case .dataFileAsDefinitions(let p, let kind): return "'\(p)' is a \(kind) data file, not a definition file"
    case .unreadableDirectory(let d): return "cannot read the directory '\(d)'"
    case .brokenLink(let p): return "'\(p)' is a symbolic link to nothing"
    }
  }

  /// The note under an unknown zone.
  public static let zoneHint = "use an IANA name such as 'Asia/Shanghai', 'Europe/Berlin' or 'UTC', or an offset such as '+08:00'"
  /// The note under a malformed as-of.
  public static let asOfHint = "write a day (2024-06-30, meaning through its end) or an instant (2024-06-30T12:00:00+08:00)"
  /// The note under a malformed `--data`.
  public static let dataHint = "write NAME=PATH or NAME=PATH,time=COL"
}
