using SecureContainers.Core.Packages;
using SecureContainers.Core.Sbom;

namespace SecureContainers.Core.Tests.Sbom;

public class SpdxExpressionTests
{
    [Theory]
    [InlineData("MIT", "MIT")]
    [InlineData("mit", "MIT")]
    [InlineData(" Apache-2.0 ", "Apache-2.0")]
    [InlineData("GPL-2.0-with-classpath-exception", "GPL-2.0-with-classpath-exception")]
    public void SingleListedIdIsWrittenAsTheIdInSpdxSpelling(string declared, string id)
    {
        Assert.Equal(id, Assert.Single(SpdxExpression.ToLicenses(declared, requireListedIds: true)).SpdxId);
    }

    [Theory]
    [InlineData("MIT OR Apache-2.0", "MIT OR Apache-2.0")]
    [InlineData("GPL-2.0-or-later WITH Classpath-exception-2.0", "GPL-2.0-or-later WITH Classpath-exception-2.0")]
    [InlineData("( MIT  OR Apache-2.0 ) AND BSD-3-Clause", "(MIT OR Apache-2.0) AND BSD-3-Clause")]
    [InlineData("LGPL-2.1+ AND LicenseRef-Proprietary", "LGPL-2.1+ AND LicenseRef-Proprietary")]
    public void WellFormedExpressionIsKeptAsAnExpression(string declared, string expression)
    {
        Assert.Equal(expression, Assert.Single(SpdxExpression.ToLicenses(declared, requireListedIds: true)).Expression);
    }

    [Theory]
    [InlineData("custom")]
    [InlineData("GPL-2.0-only GPL-2.0-or-later")]
    [InlineData("MIT and BSD-3-Clause")]
    [InlineData("(MIT OR Apache-2.0")]
    [InlineData("MIT OR")]
    [InlineData("MIT, BSD")]
    [InlineData("Public Domain")]
    [InlineData("MIT WITH")]
    public void AnythingElseIsKeptVerbatimAsALicenseName(string declared)
    {
        Assert.Equal(declared, Assert.Single(SpdxExpression.ToLicenses(declared, requireListedIds: true)).Name);
    }

    [Fact]
    public void IdsNewerThanOurListStayAnExpressionWhenTheSourceValidatedThem()
    {
        Assert.Equal("Brand-New-License-9.0", Assert.Single(SpdxExpression.ToLicenses("Brand-New-License-9.0", requireListedIds: false)).Expression);
        Assert.Equal("Brand-New-License-9.0", Assert.Single(SpdxExpression.ToLicenses("Brand-New-License-9.0", requireListedIds: true)).Name);
    }
}
