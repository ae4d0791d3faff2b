using Microsoft.Extensions.Options;

namespace AgentOps.Tools.ArgoCD;

/// <summary>Refuses to start with unusable ArgoCD settings, listing every problem at once.</summary>
internal sealed class ArgoCdOptionsValidator : IValidateOptions<ArgoCdOptions>
{
    public ValidateOptionsResult Validate(string? name, ArgoCdOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.Problems() is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
    }
}
