package cardwatch.probes.icp;

/**
 * A registry's record for a domain.
 *
 * @param unitName          主办单位名称
 * @param natureName        主办单位性质: 企业, 个人 …
 * @param mainLicence       主体备案号, e.g. 京ICP备10046444号
 * @param serviceLicence    网站备案号, e.g. 京ICP备10046444号-9
 * @param domain            the domain the record is for
 * @param updateRecordTime  when the record last changed
 */
public record IcpRecord(String unitName, String natureName, String mainLicence, String serviceLicence, String domain,
        String updateRecordTime) {
}
