namespace FederatedRegistry.Storage;

/// <summary>One versioned schema script, as embedded from <c>Sql/&lt;provider&gt;/NNNN_name.sql</c>.</summary>
/// <param name="Version">The number at the start of the file name; scripts are applied in this order.</param>
/// <param name="Name">The rest of the file name, e.g. <c>orleans_persistence</c>.</param>
/// <param name="Path">The path in the repository below the project, e.g. <c>Sql/postgres/0001_orleans_persistence.sql</c>.</param>
/// <param name="Sql">The script text.</param>
public sealed record SchemaScript(int Version, string Name, string Path, string Sql);

/// <summary>A row of <c>fedreg_schema_migrations</c>: a script that was applied to this database.</summary>
public sealed record AppliedMigration(int Version, string Name, DateTimeOffset AppliedAt);
