namespace FederatedRegistry.Domain;

/// <summary>One offending field and the rule it broke, e.g. ("details.name", "is required").</summary>
/// <param name="Field">Path of the field as the API names it (snake_case, dots for nesting, [i] for items).</param>
/// <param name="Rule">The rule, as a sentence fragment that follows the field's name.</param>
public sealed record FieldViolation(string Field, string Rule)
{
    public override string ToString() => $"{Field}: {Rule}";
}

/// <summary>Why a command was refused.</summary>
public enum ErrorKind
{
    /// <summary>The input broke field rules; see the violations.</summary>
    Invalid = 1,
    NotFound = 2,
    AlreadyExists = 3,
    /// <summary>The caller's expected version is stale.</summary>
    VersionConflict = 4,
    /// <summary>The lifecycle does not allow this step from the current state.</summary>
    IllegalTransition = 5,
    /// <summary>The caller may not have this; for sharing, no grant of the node's policy allows it.</summary>
    PermissionDenied = 6,
}

/// <summary>A refusal with a sentence for people and, for invalid input, the fields at fault.</summary>
public sealed record DomainError(ErrorKind Kind, string Message, IReadOnlyList<FieldViolation> Violations)
{
    public static DomainError Invalid(IReadOnlyList<FieldViolation> violations) =>
        new(ErrorKind.Invalid, "The request is invalid: " + string.Join("; ", violations), violations);

    public static DomainError Invalid(string field, string rule) => Invalid([new FieldViolation(field, rule)]);

    public static DomainError NotFound(string what) => new(ErrorKind.NotFound, what + " was not found.", []);

    public static DomainError AlreadyExists(string message, IReadOnlyList<FieldViolation>? violations = null) =>
        new(ErrorKind.AlreadyExists, message, violations ?? []);

    public static DomainError VersionConflict(int expected, int actual) =>
        new(ErrorKind.VersionConflict,
            $"Version conflict: the request expected version {expected} but the current version is {actual}; read it again and retry.",
            [new FieldViolation("expected_version", $"must equal the current version {actual}")]);

    public static DomainError IllegalTransition(string message) => new(ErrorKind.IllegalTransition, message, []);

    public static DomainError PermissionDenied(string message, IReadOnlyList<FieldViolation>? violations = null) =>
        new(ErrorKind.PermissionDenied, message, violations ?? []);
}

/// <summary>Either a value or the reason there is none.</summary>
public readonly record struct Outcome<T>(T? Value, DomainError? Error)
{
    public bool IsSuccess => Error is null;

    public static implicit operator Outcome<T>(T value) => new(value, null);

    public static implicit operator Outcome<T>(DomainError error) => new(default, error);
}
