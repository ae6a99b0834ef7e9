#include "remit/remit.h"
#include "remit_test.h"
int main(void) { REMIT_CHECK(remit_spec_sle() != NULL, "spec"); return remit_test_failures(); }
