#include <cstdio>
#include <vector>
using namespace std;

int main() {
    int q;
    scanf("%d", &q);
    vector<long long> fib = {0, 1};
    while (q--) {
        int n;
        scanf("%d", &n);
        while ((int)fib.size() <= n) {
            size_t m = fib.size();
            fib.push_back((fib[m - 1] + fib[m - 2]) % 1000000007);
        }
        printf("%lld\n", fib[n]);
    }
    return 0;
}
