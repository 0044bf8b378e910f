namespace SecureContainers.TestUtilities.Validation;

/// <summary>
/// A fact that needs an npm schema validator: skipped with the reason when it cannot run here, except under
/// SC_REQUIRE_VALIDATOR=1, where the test runs and fails (a CI that installed the validators must not skip silently).
/// </summary>
public sealed class ValidatorFactAttribute : FactAttribute
{
    public ValidatorFactAttribute(SchemaValidator validator)
    {
        if (!NodeValidator.IsRequired && NodeValidator.Missing(validator) is string missing)
        {
            Skip = $"The {validator} schema validator cannot run: {missing}. Set {NodeValidator.RequireVariable}=1 to make this a failure.";
        }
    }
}

/// <summary>The theory form of <see cref="ValidatorFactAttribute"/>.</summary>
public sealed class ValidatorTheoryAttribute : TheoryAttribute
{
    public ValidatorTheoryAttribute(SchemaValidator validator)
    {
        if (!NodeValidator.IsRequired && NodeValidator.Missing(validator) is string missing)
        {
            Skip = $"The {validator} schema validator cannot run: {missing}. Set {NodeValidator.RequireVariable}=1 to make this a failure.";
        }
    }
}
