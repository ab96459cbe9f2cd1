#include <iostream>
using namespace std;

int limit;

int count(int a, int b) {
    if (a > limit || b > limit) return 0;
    if (a == limit && b == limit) return 1;
    return count(a + 1, b) + count(a, b + 1);
}

int main() {
    int t;
    cin >> t;
    while (t--) {
        cin >> limit;
        cout << count(0, 0) << "\n";
    }
}
