using System.Net;
using System.Runtime.CompilerServices;
using Amazon.Runtime;
using Amazon.Runtime.Internal;
using Amazon.Runtime.Internal.Transform;

namespace IsolationChecks.Aws.Pipeline;

/// <summary>
/// Keeps the raw body of each successful response, keyed by request object. The official EC2 client's
/// typed objects lose what the CLI prints verbatim (enum case, empty lists), so the converter reads
/// those facts from the wire body. Sits between the unmarshaller and the HTTP handler.
/// </summary>
internal sealed class ResponseBodyCapture
{
    private readonly ConditionalWeakTable<AmazonWebServiceRequest, byte[]> _bodies = new();

    public byte[]? BodyOf(AmazonWebServiceRequest request) => _bodies.TryGetValue(request, out var body) ? body : null;

    public PipelineHandler CreateHandler() => new CaptureHandler(this);

    private sealed class CaptureHandler(ResponseBodyCapture capture) : PipelineHandler
    {
        public override void InvokeSync(IExecutionContext executionContext)
        {
            base.InvokeSync(executionContext);
            Buffer(executionContext, executionContext.ResponseContext.HttpResponse.ResponseBody.OpenResponse());
        }

        public override async Task<T> InvokeAsync<T>(IExecutionContext executionContext)
        {
            var result = await base.InvokeAsync<T>(executionContext).ConfigureAwait(false);
            var stream = await executionContext.ResponseContext.HttpResponse.ResponseBody.OpenResponseAsync().ConfigureAwait(false);
            Buffer(executionContext, stream);
            return result;
        }

        private void Buffer(IExecutionContext executionContext, Stream body)
        {
            using var copy = new MemoryStream();
            using (body)
                body.CopyTo(copy);
            var bytes = copy.ToArray();
            var response = executionContext.ResponseContext.HttpResponse;
            capture._bodies.AddOrUpdate(executionContext.RequestContext.OriginalRequest, bytes);
            executionContext.ResponseContext.HttpResponse = new BufferedResponseData(response, bytes);
        }
    }

    /// <summary>The original response with its body already read into memory.</summary>
    private sealed class BufferedResponseData(IWebResponseData original, byte[] body) : IWebResponseData, IHttpResponseBody
    {
        public long ContentLength => body.Length;

        public string ContentType => original.ContentType;

        public HttpStatusCode StatusCode => original.StatusCode;

        public bool IsSuccessStatusCode => original.IsSuccessStatusCode;

        public IHttpResponseBody ResponseBody => this;

        public string[] GetHeaderNames() => original.GetHeaderNames();

        public bool IsHeaderPresent(string headerName) => original.IsHeaderPresent(headerName);

        public string GetHeaderValue(string headerName) => original.GetHeaderValue(headerName);

        public bool IsEventHeaderPresent(string headerName) => original.IsEventHeaderPresent(headerName);

        public Amazon.Runtime.EventStreams.IEventStreamHeader GetEventStreamHeader(string headerName) => original.GetEventStreamHeader(headerName);

        public Stream OpenResponse() => new MemoryStream(body, writable: false);

        public Task<Stream> OpenResponseAsync() => Task.FromResult(OpenResponse());

        public void Dispose() => original.ResponseBody.Dispose();
    }
}
