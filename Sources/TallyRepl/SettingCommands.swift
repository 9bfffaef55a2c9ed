import Foundation
import Tally
import TallyDriver

extension ReplSession {
  /// `:asof [T | default]`; a space may part the day from the time, as in data files.
  func asOfCommand(_ args: [String]) -> ReplOutput {
    var out = ReplOutput()
    guard args.count <= 2 else { return usage(MetaCommand.named("asof")!) }
    if !args.isEmpty {
      let a = args.joined(separator: " ")
      if ["default", "reset", "none", "auto"].contains(a.lowercased()) {
        session.asOf = nil
      } else {
        let text = a.hasPrefix("@") ? String(a.dropFirst()) : a
        guard let i = Instant(text) else {
          out.error(DriverMessage.malformedAsOf(a).text + "; " + DriverMessage.asOfHint)
          return out
        }
        session.asOf = i
      }
    }
    let why = session.asOf == nil ? " (default: the start of the day after the latest data)" : ""
    out.print("as of \(session.zone.iso(session.resolvedAsOf))\(why)")
    return out
  }

  /// `:tz [ZONE]`.
  func zoneCommand(_ args: [String]) -> ReplOutput {
    var out = ReplOutput()
    guard args.count <= 1 else { return usage(MetaCommand.named("tz")!) }
    guard let name = args.first else {
      out.print("time zone \(zoneName)")
      return out
    }
    guard let z = Zone(name) else {
      var message = "unknown time zone '\(name)'; use an IANA name such as 'Asia/Shanghai' or 'UTC', or an offset such as '+08:00'"
      if let near = nearest(name, in: TimeZone.knownTimeZoneIdentifiers) { message += "\nnote: did you mean '\(near)'?" }
      out.error(message)
      return out
    }
    let started = DispatchTime.now()
    do {
      try session.setZone(z)
    } catch let e as TallyError {
      out.error(e.diagnostics.map(rendered).joined())
      return out
    } catch {
      out.error("error: \(error)")
      return out
    }
    zoneName = name
    var line = "time zone \(name)"
    if !session.datasets.isEmpty {
      line += " (\(session.datasets.count) dataset\(session.datasets.count == 1 ? "" : "s") read again in \(milliseconds(since: started)))"
    }
    out.print(line)
    return out
  }
}
