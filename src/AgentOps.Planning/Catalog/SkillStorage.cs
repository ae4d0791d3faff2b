namespace AgentOps.Planning;

/// <summary>
/// The size table: which storage each size gets by default and allows at most.
/// <see cref="Sizes"/> is ordered smallest first; team limits compare sizes by that order.
/// </summary>
/// <param name="Parameter">The derived parameter that receives the storage in GB, e.g. <c>storage_gb</c>.</param>
/// <param name="SizeParameter">The choice parameter whose value picks a row, e.g. <c>size</c>.</param>
public sealed record SkillStorage(string Parameter, string SizeParameter, string Description, IReadOnlyList<SkillSize> Sizes)
{
    public SkillSize? Find(string size) => Sizes.FirstOrDefault(s => string.Equals(s.Name, size, StringComparison.Ordinal));

    /// <summary>The position of a size in the table, or -1 when the table does not know it.</summary>
    public int Rank(string size)
    {
        for (var i = 0; i < Sizes.Count; i++)
        {
            if (string.Equals(Sizes[i].Name, size, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}
