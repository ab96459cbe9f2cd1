#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int n;
    scanf("%d", &n);
    vector<int> a(n);
    long long sum = 0;
    for (auto &x : a) {
        scanf("%d", &x);
        sum += x;
    }
    int above = 0;
    for (int i = 0; i < n; i++) {
        if (1LL * a[i] * n > sum) above++;
    }
    printf("%d\n", above);
    return 0;
}
