#include <iostream>
using namespace std;

int main() {
    int a[6] = {1, 2, 3, 4, 5, 6};
    long long s = 0;
    for (int i = 0; i < 6; i++) {
        for (int j = 0; j <= i; j++) s += a[j];
        a[i] = 0;
    }
    cout << s << "\n";
}
