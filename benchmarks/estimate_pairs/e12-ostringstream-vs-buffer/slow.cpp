#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); string out;
    for (int i = 0; i < n; i++) { ostringstream o; o << (long long)i * i % 100003 << ' '; out += o.str(); }
    puts(out.c_str());
}
