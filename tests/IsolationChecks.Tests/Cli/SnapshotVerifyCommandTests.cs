using System.Security.Cryptography;
using IsolationChecks.Cli;
using IsolationChecks.Cli.Commands;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Cli;

/// <summary>`snapshot-verify` exits 0 only on a verified signature, and names why anything else is unverified.</summary>
public class SnapshotVerifyCommandTests
{
    private const string Subnets = "accounts/222222222222/ap-northeast-1/Subnets.json";
    private string _root = null!;
    private string _folder = null!;
    private string _trusted = null!;
    private ECDsa _key = null!;

    [SetUp]
    public async Task WriteASignedSnapshotAsync()
    {
        _root = Directory.CreateTempSubdirectory("verify-").FullName;
        _folder = Path.Combine(_root, "snapshot");
        _key = SignedSnapshots.NewKey();
        _trusted = SignedSnapshots.WritePublicKey(_key, Path.Combine(_root, "audit.pub.pem"));
        await SignedSnapshots.WriteReferenceAsync(_folder, _key);
    }

    [TearDown]
    public void Remove()
    {
        _key.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private async Task<(int Code, string Output)> VerifyAsync(string folder, string? trusted = "default")
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = trusted is null ? ["snapshot-verify", folder] : ["snapshot-verify", folder, "--trusted-keys", trusted == "default" ? _trusted : trusted];
        var code = await new CommandDispatcher([new SnapshotVerifyCommand(), new SnapshotSignCommand()]).RunAsync(args, output, error, CancellationToken.None);
        return (code, output.ToString() + error);
    }

    [Test]
    public async Task A_snapshot_signed_by_a_trusted_key_verifies()
    {
        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.Affirmative), output);
        Assert.That(output, Does.Contain($"signed (key {SnapshotSigning.KeyIdOf(_key)})").And.Contain("every file matches"));
    }

    [Test]
    public async Task Without_trusted_keys_even_a_signed_snapshot_is_not_verified()
    {
        var (code, output) = await VerifyAsync(_folder, trusted: null);

        Assert.That(code, Is.EqualTo(ExitCodes.EvidenceUnverified));
        Assert.That(output, Does.Contain("no trusted public key was given"));
    }

    [Test]
    public async Task One_changed_byte_fails_verification_and_is_named()
    {
        await File.AppendAllTextAsync(Path.Combine(_folder, Subnets), " ");

        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.Negative));
        Assert.That(output, Does.Contain($"{Subnets}: SHA-256 does not match manifest.json"));
    }

    [Test]
    public async Task An_edit_re_hashed_without_the_key_breaks_the_signature()
    {
        await File.AppendAllTextAsync(Path.Combine(_folder, Subnets), " ");
        SignedSnapshots.Rehash(_folder, Subnets);

        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.EvidenceUnverified));
        Assert.That(output, Does.Contain("does not verify: manifest.json was changed after signing"));
    }

    [Test]
    public async Task A_snapshot_signed_by_an_unknown_key_is_unverified()
    {
        using var other = SignedSnapshots.NewKey();
        var otherTrusted = SignedSnapshots.WritePublicKey(other, Path.Combine(_root, "other.pub.pem"));

        var (code, output) = await VerifyAsync(_folder, otherTrusted);

        Assert.That(code, Is.EqualTo(ExitCodes.EvidenceUnverified));
        Assert.That(output, Does.Contain($"signed by key {SnapshotSigning.KeyIdOf(_key)}, which is not among the trusted keys"));
    }

    [Test]
    public async Task A_deleted_manifest_is_unverified()
    {
        File.Delete(Path.Combine(_folder, "manifest.json"));

        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.EvidenceUnverified));
        Assert.That(output, Does.Contain("has no manifest.json"));
    }

    [Test]
    public async Task An_unsigned_snapshot_is_unverified_and_signing_it_makes_it_verify()
    {
        File.Delete(Path.Combine(_folder, SnapshotSigning.SignatureFile));
        var (before, beforeOutput) = await VerifyAsync(_folder);

        using var sign = new StringWriter();
        var privatePem = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(privatePem, _key.ExportECPrivateKeyPem());
        var signed = await new CommandDispatcher([new SnapshotSignCommand()]).RunAsync(["snapshot-sign", _folder, "--key", privatePem], sign, sign, CancellationToken.None);
        var (after, _) = await VerifyAsync(_folder);

        Assert.That((before, signed, after), Is.EqualTo((ExitCodes.EvidenceUnverified, ExitCodes.Affirmative, ExitCodes.Affirmative)), beforeOutput + sign);
        Assert.That(beforeOutput, Does.Contain("is not signed (no manifest.sig)"));
    }

    [Test]
    public async Task Signing_refuses_a_tampered_folder_and_never_replaces_a_signature()
    {
        var privatePem = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(privatePem, _key.ExportECPrivateKeyPem());
        using var again = new StringWriter();
        var replace = await new CommandDispatcher([new SnapshotSignCommand()]).RunAsync(["snapshot-sign", _folder, "--key", privatePem], again, again, CancellationToken.None);
        File.Delete(Path.Combine(_folder, SnapshotSigning.SignatureFile));
        await File.AppendAllTextAsync(Path.Combine(_folder, Subnets), " ");
        using var tampered = new StringWriter();
        var tamper = await new CommandDispatcher([new SnapshotSignCommand()]).RunAsync(["snapshot-sign", _folder, "--key", privatePem], tampered, tampered, CancellationToken.None);

        Assert.That((replace, tamper), Is.EqualTo((ExitCodes.ConfigurationError, ExitCodes.ConfigurationError)));
        Assert.That(again.ToString(), Does.Contain("a signature is never replaced"));
        Assert.That(tampered.ToString(), Does.Contain("does not match manifest.json"));
    }

    [Test]
    public async Task A_link_out_of_the_folder_is_refused()
    {
        var outside = Path.Combine(_root, "elsewhere.json");
        File.Copy(Path.Combine(_folder, Subnets), outside);
        File.Delete(Path.Combine(_folder, Subnets));
        File.CreateSymbolicLink(Path.Combine(_folder, Subnets), outside);

        var (code, output) = await VerifyAsync(_folder);

        Assert.That(code, Is.EqualTo(ExitCodes.ConfigurationError));
        Assert.That(output, Does.Contain("links are refused"));
    }
}
