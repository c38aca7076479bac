using System.Security.Cryptography;
using IsolationChecks.Running;
using IsolationChecks.Snapshots;
using IsolationChecks.Tests.Support;

namespace IsolationChecks.Tests.Cli;

/// <summary>`snapshot verify` exits 0 only on a verified signature, and names why anything else is unverified.</summary>
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
        string[] args = trusted is null ? ["snapshot", "verify", folder] : ["snapshot", "verify", folder, "--trusted-keys", trusted == "default" ? _trusted : trusted];
        var run = await ToolRun.RunAsync(args);
        return (run.Code, run.Output + run.Error);
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

        var privatePem = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(privatePem, _key.ExportECPrivateKeyPem());
        var sign = await ToolRun.RunAsync("snapshot", "sign", _folder, "--key", privatePem);
        var (after, _) = await VerifyAsync(_folder);

        Assert.That((before, sign.Code, after), Is.EqualTo((ExitCodes.EvidenceUnverified, ExitCodes.Affirmative, ExitCodes.Affirmative)), beforeOutput + sign);
        Assert.That(beforeOutput, Does.Contain("is not signed (no manifest.sig)"));
    }

    [Test]
    public async Task Signing_refuses_a_tampered_folder_and_never_replaces_a_signature()
    {
        var privatePem = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(privatePem, _key.ExportECPrivateKeyPem());
        var again = await ToolRun.RunAsync("snapshot", "sign", _folder, "--key", privatePem);
        File.Delete(Path.Combine(_folder, SnapshotSigning.SignatureFile));
        await File.AppendAllTextAsync(Path.Combine(_folder, Subnets), " ");
        var tampered = await ToolRun.RunAsync("snapshot", "sign", _folder, "--key", privatePem);

        Assert.That((again.Code, tampered.Code), Is.EqualTo((ExitCodes.ConfigurationError, ExitCodes.ConfigurationError)));
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

    [Test]
    public async Task The_names_before_0_4_still_work_and_say_what_replaces_them()
    {
        var privatePem = Path.Combine(_root, "audit.pem");
        await File.WriteAllTextAsync(privatePem, _key.ExportECPrivateKeyPem());
        File.Delete(Path.Combine(_folder, SnapshotSigning.SignatureFile));

        var sign = await ToolRun.RunAsync("snapshot-sign", _folder, "--key", privatePem);
        var verify = await ToolRun.RunAsync("snapshot-verify", _folder, "--trusted-keys", _trusted);
        var help = await ToolRun.RunAsync("--help");

        Assert.That((sign.Code, verify.Code), Is.EqualTo((ExitCodes.Affirmative, ExitCodes.Affirmative)), sign + "\n" + verify);
        Assert.That(sign.Error, Does.Contain("'snapshot-sign' is deprecated").And.Contain("isolationchecks snapshot sign"));
        Assert.That(verify.Error, Does.Contain("'snapshot-verify' is deprecated").And.Contain("isolationchecks snapshot verify"));
        Assert.That(help.Output, Does.Not.Contain("snapshot-verify"), "hidden from the help");
    }
}
