use crate::{ferry, ferry_with_stdin};

#[test]
fn valid_and_invalid_values_print_one_line_each_and_set_the_exit_code() {
    let output = ferry(&[
        "check",
        "iban",
        "DE89 3704 0044 0532 0130 00",
        "GB82WEST12345698765433",
    ]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines[0], "valid\tDE89370400440532013000");
    assert!(lines[1].starts_with("invalid\t"), "{stdout}");
    assert_eq!(lines.len(), 2);
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn all_valid_values_exit_zero() {
    let output = ferry(&["check", "aba", "011000015", "021000021"]);
    assert_eq!(output.status.code(), Some(0), "{output:?}");
}

#[test]
fn values_come_from_standard_input_when_none_are_given() {
    let output = ferry_with_stdin(&["check", "seller-id"], "A1PA6795UKMFR9\nA2X3Y4Z5W6V7U8\n");
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("invalid\t"),
        "a marketplace ID is not a seller ID: {stdout}"
    );
    assert!(stdout.ends_with("valid\tA2X3Y4Z5W6V7U8\n"), "{stdout}");
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn an_unknown_kind_is_a_usage_error() {
    let output = ferry(&["check", "passport", "X"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("cn-resident-id"));
}
