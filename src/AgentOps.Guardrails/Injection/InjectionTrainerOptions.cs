namespace AgentOps.Guardrails.Injection;

/// <summary>How <see cref="InjectionTrainer"/> fits the model; the defaults are what leave-one-split-out cross-validation chose.</summary>
/// <param name="Settings">How text is read (window, n-grams); stored in the model file.</param>
/// <param name="Alpha">FTRL-Proximal's learning rate.</param>
/// <param name="Beta">FTRL-Proximal's learning-rate smoothing.</param>
/// <param name="L1">The L1 penalty: the higher, the fewer features keep a weight.</param>
/// <param name="L2">The L2 penalty: the higher, the smaller the weights.</param>
/// <param name="Epochs">Passes over the examples, in their fixed order.</param>
/// <param name="NegativeWeight">What a benign window counts for against an attack window's 1.</param>
/// <param name="OtherWindowsAreBenign">In the second pass, the windows of an attack text that do not overlap its most suspicious one count as benign.</param>
public sealed record InjectionTrainerOptions(
    InjectionFeatureSettings Settings,
    double Alpha = 0.5,
    double Beta = 1.0,
    double L1 = 0.3,
    double L2 = 0.1,
    int Epochs = 30,
    double NegativeWeight = 3.0,
    bool OtherWindowsAreBenign = true)
{
    public static InjectionTrainerOptions Default { get; } = new(InjectionFeatureSettings.Default);
}
