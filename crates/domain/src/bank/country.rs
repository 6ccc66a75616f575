//! ISO 3166-1 alpha-2 country codes, for the country part of a BIC.

/// Every ISO 3166-1 alpha-2 code, sorted, plus `XK` (Kosovo: user-assigned
/// in ISO 3166 but used by SWIFT for Kosovan BICs).
const CODES: &str = "\
ADAEAFAGAIALAMAOAQARASATAUAWAXAZ\
BABBBDBEBFBGBHBIBJBLBMBNBOBQBRBSBTBVBWBYBZ\
CACCCDCFCGCHCICKCLCMCNCOCRCUCVCWCXCYCZ\
DEDJDKDMDODZ\
ECEEEGEHERESET\
FIFJFKFMFOFR\
GAGBGDGEGFGGGHGIGLGMGNGPGQGRGSGTGUGWGY\
HKHMHNHRHTHU\
IDIEILIMINIOIQIRISIT\
JEJMJOJP\
KEKGKHKIKMKNKPKRKWKYKZ\
LALBLCLILKLRLSLTLULVLY\
MAMCMDMEMFMGMHMKMLMMMNMOMPMQMRMSMTMUMVMWMXMYMZ\
NANCNENFNGNINLNONPNRNUNZ\
OM\
PAPEPFPGPHPKPLPMPNPRPSPTPWPY\
QA\
RERORSRURW\
SASBSCSDSESGSHSISJSKSLSMSNSOSRSSSTSVSXSYSZ\
TCTDTFTGTHTJTKTLTMTNTOTRTTTVTWTZ\
UAUGUMUSUYUZ\
VAVCVEVGVIVNVU\
WFWS\
XK\
YEYT\
ZAZMZW";

/// True if `code` (two upper-case letters) is an assigned country code.
pub(crate) fn is_country_code(code: &str) -> bool {
    let Ok(code) = <[u8; 2]>::try_from(code.as_bytes()) else {
        return false;
    };
    let (codes, _) = CODES.as_bytes().as_chunks::<2>();
    codes.binary_search(&code).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_is_sorted_and_complete() {
        let (codes, rest) = CODES.as_bytes().as_chunks::<2>();
        assert!(rest.is_empty());
        assert!(codes.windows(2).all(|pair| pair[0] < pair[1]));
        // 249 ISO 3166-1 codes plus XK.
        assert_eq!(codes.len(), 250);
    }

    #[test]
    fn recognises_codes() {
        for code in ["CN", "US", "GB", "DE", "HK", "JP", "AD", "ZW", "XK"] {
            assert!(is_country_code(code), "{code}");
        }
        for code in ["UK", "EU", "ZZ", "AA", "", "USA", "gb"] {
            assert!(!is_country_code(code), "{code}");
        }
    }
}
