#include <iostream>
using namespace std;

int main() {
    int a[6] = {1, 2, 3, 4, 5, 6};
    long long s = 0;
    for (int j = 1; j < 5; j++) s += a[j];
    cout << s << "\n";
}
