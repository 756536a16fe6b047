import Logging

/// A log handler that escapes control characters in messages and metadata before
/// another handler writes them, so a run name, a path or a CSV field with an ANSI
/// escape or a line break cannot rewrite a terminal or forge a log line.
///
/// ```swift
/// LoggingSystem.bootstrap { EscapingLogHandler(StreamLogHandler.standardError(label: $0)) }
/// ```
public struct EscapingLogHandler<Wrapped: LogHandler>: LogHandler {
    private var wrapped: Wrapped

    public init(_ wrapped: Wrapped) {
        self.wrapped = wrapped
    }

    public var logLevel: Logger.Level {
        get { wrapped.logLevel }
        set { wrapped.logLevel = newValue }
    }

    public var metadata: Logger.Metadata {
        get { wrapped.metadata }
        set { wrapped.metadata = newValue }
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { wrapped[metadataKey: key] }
        set { wrapped[metadataKey: key] = newValue }
    }

    public func log(event: LogEvent) {
        var event = event
        event.message = "\(LRLedger.escapingControlCharacters(event.message.description))"
        event.metadata = event.metadata.map(Self.escaped)
        wrapped.log(event: Self.escapedStored(event, handlerMetadata: wrapped.metadata))
    }

    /// The event with the handler's own metadata (set with `logger[metadataKey:]`, such
    /// as the run name) escaped too: it is merged into the event to take precedence.
    private static func escapedStored(_ event: LogEvent, handlerMetadata: Logger.Metadata) -> LogEvent {
        guard handlerMetadata.values.contains(where: needsEscaping) else { return event }
        var event = event
        var merged = escaped(handlerMetadata)
        for (key, value) in event.metadata ?? [:] { merged[key] = value }
        event.metadata = merged
        return event
    }

    private static func needsEscaping(_ value: Logger.MetadataValue) -> Bool {
        "\(value)" != LRLedger.escapingControlCharacters("\(value)")
    }

    static func escaped(_ metadata: Logger.Metadata) -> Logger.Metadata {
        metadata.mapValues { .string(LRLedger.escapingControlCharacters("\($0)")) }
    }
}

extension LRLedger {
    /// Sends logs to standard error at level info, control characters escaped. Only the
    /// executable calls this, once, before `runFromCommandLine()`.
    public static func bootstrapLogging() {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .info
            return EscapingLogHandler(handler)
        }
    }
}
