using CsCheck;
using IsolationChecks.Collection;

namespace IsolationChecks.Tests.Collection;

/// <summary>
/// The collection's slots: never more held than the limit; a slot that comes free goes to the deepest waiting call, in
/// order of asking among equals, and a waiter whose wait was cancelled is passed over.
/// </summary>
public sealed class CallSlotsTests
{
    [Test]
    public void A_free_slot_goes_to_the_deepest_waiter_first_then_in_order_of_asking_and_never_to_a_cancelled_one() =>
        Gen.Select(Gen.Int[0, 3], Gen.Bool).Array[1, 12].Select(Gen.Int[1, 3]).Sample((waiters, limit) =>
        {
            var slots = new CallSlots(limit);
            var held = Enumerable.Range(0, limit).Select(_ => slots.AcquireAsync(0, CancellationToken.None)).ToList();
            if (!held.All(t => t.IsCompletedSuccessfully))
                return false;
            var asked = waiters.Select((w, i) =>
            {
                var cancel = new CancellationTokenSource();
                return (Depth: w.Item1, Cancelled: w.Item2, Order: i, Cancel: cancel, Task: slots.AcquireAsync(w.Item1, cancel.Token));
            }).ToList();
            foreach (var waiter in asked.Where(a => a.Cancelled))
                waiter.Cancel.Cancel();
            if (asked.Any(a => !a.Cancelled && a.Task.Wait(TimeSpan.FromMilliseconds(5))))
                return false;

            var expected = asked.Where(a => !a.Cancelled).OrderByDescending(a => a.Depth).ThenBy(a => a.Order).ToList();
            var holders = held.Select(t => t.Result).ToList();
            foreach (var next in expected)
            {
                holders[0].Dispose();
                holders.RemoveAt(0);
                if (!next.Task.Wait(TimeSpan.FromSeconds(5)))
                    return false;
                holders.Add(next.Task.Result);
                if (expected.SkipWhile(e => e.Order != next.Order).Skip(1).Any(e => e.Task.IsCompleted))
                    return false;
            }

            // Every waiter served and the limit held: as many slots free as were held at the start.
            foreach (var holder in holders)
                holder.Dispose();
            var again = Enumerable.Range(0, limit + 1).Select(_ => slots.AcquireAsync(0, CancellationToken.None)).ToList();
            return again.Take(limit).All(t => t.IsCompletedSuccessfully) && !again[^1].IsCompleted
                && asked.Where(a => a.Cancelled).All(a => EndsCancelled(a.Task));
        }, iter: 200);

    private static bool EndsCancelled(Task task)
    {
        ((IAsyncResult)task).AsyncWaitHandle.WaitOne(TimeSpan.FromSeconds(5));
        return task.IsCanceled;
    }

    [Test]
    public async Task A_slot_given_back_twice_frees_one_place()
    {
        var slots = new CallSlots(1);
        var first = await slots.AcquireAsync(0, CancellationToken.None);
        var second = slots.AcquireAsync(0, CancellationToken.None);
        var third = slots.AcquireAsync(0, CancellationToken.None);
        first.Dispose();
        first.Dispose();
        await second.WaitAsync(TimeSpan.FromSeconds(5));
        await Task.Delay(20);
        Assert.That(third.IsCompleted, Is.False, "the second dispose of the same slot gave nothing back");
    }
}
