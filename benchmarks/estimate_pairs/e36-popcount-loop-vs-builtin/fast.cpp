#include <bits/stdc++.h>
using namespace std;

int main() {
    int n; scanf("%d", &n); long long s = 0;
    for (unsigned i = 0; i < (unsigned)n; i++) s += __builtin_popcount(i * 2654435761u);
    printf("%lld\n", s);
}
