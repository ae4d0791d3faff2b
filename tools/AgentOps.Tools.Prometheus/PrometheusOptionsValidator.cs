using Microsoft.Extensions.Options;

namespace AgentOps.Tools.Prometheus;

/// <summary>Checks the range attributes on <see cref="PrometheusOptions"/> at start-up, without reflection.</summary>
[OptionsValidator]
internal sealed partial class PrometheusOptionsValidator : IValidateOptions<PrometheusOptions>;
