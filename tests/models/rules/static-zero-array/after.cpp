#include <cstdio>

int main() {
    int n;
    scanf("%d", &n);
    static int seen[1000001];
    long long pairs = 0;
    for (int i = 0; i < n; i++) {
        int x;
        scanf("%d", &x);
        pairs += seen[x];
        seen[x]++;
    }
    printf("%lld\n", pairs);
}
