namespace TransferLearning.ImageClassification.Data;

/// <summary>Splits images class by class so each part keeps the class proportions of the whole.</summary>
internal static class StratifiedSplitter
{
    public static DatasetSplit Split(IEnumerable<IGrouping<string, LabeledImage>> classes, SplitRatios ratios, int seed)
    {
        var train = new List<LabeledImage>();
        var validation = new List<LabeledImage>();
        var test = new List<LabeledImage>();
        var total = ratios.Train + ratios.Validation + ratios.Test;
        // Classes and files are put in ordinal order first, so the split depends only on (seed, inputs),
        // not on the order the file system or the caller listed them in.
        foreach (var group in classes.OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var images = group.OrderBy(i => i.Path, StringComparer.Ordinal).ToArray();
            new Random(unchecked((seed * 397) ^ StableHash(group.Key))).Shuffle(images);
            var testCount = (int)Math.Round(images.Length * ratios.Test / total, MidpointRounding.AwayFromZero);
            var validationCount = (int)Math.Round(
                images.Length * ratios.Validation / total, MidpointRounding.AwayFromZero);
            // Every class keeps at least one training image.
            var overflow = testCount + validationCount - (images.Length - 1);
            if (overflow > 0)
            {
                var fromValidation = Math.Min(overflow, validationCount);
                validationCount -= fromValidation;
                testCount -= overflow - fromValidation;
            }
            test.AddRange(images.Take(testCount));
            validation.AddRange(images.Skip(testCount).Take(validationCount));
            train.AddRange(images.Skip(testCount + validationCount));
        }
        return new DatasetSplit(train, validation, test);
    }

    // string.GetHashCode and HashCode are randomised per process; a split must not be.
    private static int StableHash(string text)
    {
        unchecked
        {
            var hash = (int)2166136261;
            foreach (var c in text) hash = (hash ^ c) * 16777619;
            return hash;
        }
    }
}
