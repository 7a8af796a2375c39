using System.Numerics.Tensors;

namespace TransferLearning.ImageClassification.Quantization;

/// <summary>
/// One activation's range over the calibration images: the extremes, or a percentile and its mirror read off a
/// histogram of 4,096 bins over [−R, R] that doubles R (merging bins pairwise) when a value falls outside.
/// </summary>
internal sealed class RangeCollector(CalibrationMethod method, double percentile)
{
    private const int Bins = 4096;
    private readonly long[] _histogram = method == CalibrationMethod.Percentile ? new long[Bins] : [];
    private float _min = float.PositiveInfinity, _max = float.NegativeInfinity, _radius;
    private long _count;

    public void Add(ReadOnlySpan<float> values)
    {
        if (values.IsEmpty) return;
        var (min, max) = (TensorPrimitives.Min(values), TensorPrimitives.Max(values));
        if (!float.IsFinite(min) || !float.IsFinite(max))
            (min, max) = FiniteExtremes(values); // one NaN or ∞ would spoil the range
        (_min, _max) = (Math.Min(_min, min), Math.Max(_max, max));
        if (method != CalibrationMethod.Percentile) return;
        Widen(Math.Max(Math.Abs(_min), Math.Abs(_max)));
        var perBin = Bins / (2 * _radius);
        foreach (var v in values)
        {
            if (!float.IsFinite(v)) continue;
            _histogram[Math.Clamp((int)((v + _radius) * perBin), 0, Bins - 1)]++;
            _count++;
        }
    }

    private static (float Min, float Max) FiniteExtremes(ReadOnlySpan<float> values)
    {
        var (min, max) = (float.PositiveInfinity, float.NegativeInfinity);
        foreach (var v in values)
            if (float.IsFinite(v)) (min, max) = (Math.Min(min, v), Math.Max(max, v));
        return (min, max);
    }

    /// <summary>The range to quantize over (non-finite values ignored; [0, 0] when nothing was seen).</summary>
    public (float Min, float Max) Range
    {
        get
        {
            if (!float.IsFinite(_min) || !float.IsFinite(_max)) return (0, 0);
            if (method != CalibrationMethod.Percentile || _count == 0) return (_min, _max);
            var width = 2 * _radius / Bins;
            var tail = (long)Math.Floor(_count * (1 - percentile / 100));
            return (Math.Max(_min, -_radius + width * Cumulative(tail, fromTop: false)),
                Math.Min(_max, -_radius + width * (Bins - Cumulative(tail, fromTop: true))));
        }
    }

    /// <summary>Bins from one end until more than <paramref name="tail"/> values lie in them.</summary>
    private int Cumulative(long tail, bool fromTop)
    {
        long seen = 0;
        for (var i = 0; i < Bins; i++)
        {
            seen += _histogram[fromTop ? Bins - 1 - i : i];
            if (seen > tail) return i;
        }
        return Bins;
    }

    private void Widen(float needed)
    {
        if (!float.IsFinite(needed)) return;
        if (_radius == 0)
        {
            _radius = needed > 0 ? needed : 1f;
            return;
        }
        while (needed > _radius)
        {
            // Old bin i of [−R, R] lies in new bin Bins/4 + i/2 of [−2R, 2R].
            var merged = new long[Bins];
            for (var i = 0; i < Bins; i++) merged[Bins / 4 + i / 2] += _histogram[i];
            merged.CopyTo(_histogram, 0);
            _radius *= 2;
        }
    }
}
