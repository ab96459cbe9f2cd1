#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); string out; char buf[24];
    for (int i = 0; i < n; i++) { int len = sprintf(buf, "%lld ", (long long)i * i % 100003); out.append(buf, len); }
    puts(out.c_str());
}
